import { test, expect } from '@playwright/test';
import { hydrated, responsesOf, signUp } from './helpers';

test('a follow-up question appears only for detractors', async ({ page, browser }) => {
  await signUp(page, 'Logic Ltd');
  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  await page.getByLabel('Survey name', { exact: true }).fill('NPS with follow-up');
  await page.getByRole('button', { name: 'Add NPS question' }).click();
  await page.getByLabel('Question 1 title', { exact: true }).fill('How likely are you to recommend us?');
  await page.getByRole('button', { name: 'Add text question' }).click();
  await page.getByLabel('Question 2 title', { exact: true }).fill('What went wrong?');
  await page.getByLabel('Show question 2 only if').check();
  await page.getByLabel('Question 2 condition operator').selectOption('is at most');
  await page.getByLabel('Question 2 condition value').fill('6');
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await page.waitForURL(/\/dashboard\/surveys\/srv_[0-9a-z]+$/);
  await expect(page.getByRole('heading', { name: 'NPS with follow-up' })).toBeVisible();
  const surveyId = page.url().split('/').pop();

  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  const followUp = visitor.getByRole('textbox', { name: 'What went wrong?' });
  // A detractor gets the follow-up as a second step.
  await visitor.getByRole('radio', { name: '4', exact: true }).check();
  await expect(visitor.getByRole('progressbar', { name: 'Question 1 of 2' })).toBeVisible();
  await visitor.getByRole('button', { name: 'Next' }).click();
  await expect(followUp).toBeVisible();
  await followUp.fill('Delivery was late');
  // Going back and becoming a promoter hides it, and its answer is dropped.
  await visitor.getByRole('button', { name: 'Back' }).click();
  await visitor.getByRole('radio', { name: '10', exact: true }).check();
  await expect(visitor.getByRole('progressbar', { name: 'Question 1 of 1' })).toBeVisible();
  await expect(followUp).toBeHidden();
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await context.close();

  const responses = await responsesOf(page, surveyId!);
  expect(responses).toHaveLength(1);
  expect(responses[0].completed).toBe(true);
  expect(responses[0].answers).toEqual({ q1: 10 });

  await page.reload();
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: '10', exact: true }) });
  await expect(row).toBeVisible();
  await expect(page.getByText('Delivery was late')).toHaveCount(0);
});
