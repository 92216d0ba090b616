import { test, expect } from '@playwright/test';
import { hydrated, signUp } from './helpers';

test('a follow-up question appears only for detractors', async ({ page, browser }) => {
  await signUp(page, 'Logic Ltd');
  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  await page.getByLabel('Survey name').fill('NPS with follow-up');
  await page.getByRole('button', { name: 'Add NPS question' }).click();
  await page.getByLabel('Question 1 title').fill('How likely are you to recommend us?');
  await page.getByRole('button', { name: 'Add text question' }).click();
  await page.getByLabel('Question 2 title').fill('What went wrong?');
  await page.getByLabel('Show question 2 only if').check();
  await page.getByLabel('Question 2 condition operator').selectOption('is at most');
  await page.getByLabel('Question 2 condition value').fill('6');
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page.getByRole('heading', { name: 'NPS with follow-up' })).toBeVisible();
  const surveyId = page.url().split('/').pop();

  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  const followUp = visitor.getByRole('textbox', { name: 'What went wrong?' });
  await expect(followUp).toBeHidden();
  await visitor.getByRole('radio', { name: '9', exact: true }).check();
  await expect(followUp).toBeHidden();
  await visitor.getByRole('radio', { name: '4', exact: true }).check();
  await expect(followUp).toBeVisible();
  await followUp.fill('Delivery was late');
  // Changing to a promoter hides it again, and its answer is not sent.
  await visitor.getByRole('radio', { name: '10', exact: true }).check();
  await expect(followUp).toBeHidden();
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await context.close();

  await page.reload();
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: '10', exact: true }) });
  await expect(row).toBeVisible();
  await expect(page.getByText('Delivery was late')).toHaveCount(0);
});
