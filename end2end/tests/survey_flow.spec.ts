import { test, expect } from '@playwright/test';
import { createPublishedSurvey, hydrated, signUp } from './helpers';

test('a survey built in the dashboard is answered in the browser and the answer shows up', async ({ page, browser }) => {
  await signUp(page, 'Acme Coffee');
  const surveyId = await createPublishedSurvey(page, 'After your order');

  // A visitor, in a separate browser context (no dashboard session).
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  const consoleErrors: string[] = [];
  visitor.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  await expect(visitor.getByRole('heading', { name: 'After your order' })).toBeVisible();

  // One question per step, with progress.
  await expect(visitor.getByRole('progressbar', { name: 'Question 1 of 2' })).toBeVisible();
  await expect(visitor.getByRole('textbox', { name: 'What should we improve?' })).toBeHidden();
  // "Next" without the required answer: the widget says so, in the widget's words.
  await visitor.getByRole('button', { name: 'Next' }).click();
  await expect(visitor.getByRole('alert')).toHaveText('Please answer this question.');
  await visitor.getByRole('radio', { name: '9', exact: true }).check();
  await visitor.getByRole('button', { name: 'Next' }).click();
  await expect(visitor.getByRole('progressbar', { name: 'Question 2 of 2' })).toBeVisible();
  await visitor.getByRole('textbox', { name: 'What should we improve?' }).fill('More oat milk <b>please</b>');
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  // Hydrated submission stays on the page (no navigation to the no-JS thank-you URL).
  expect(visitor.url()).toContain(`/s/${surveyId}`);
  expect(visitor.url()).not.toContain('/thanks');
  expect(consoleErrors).toEqual([]);
  await visitorContext.close();

  // The owner sees the response in the survey's response list.
  await page.reload();
  await hydrated(page);
  const row = page.getByRole('row').filter({ hasText: 'More oat milk' });
  await expect(row).toBeVisible();
  await expect(row.getByRole('cell', { name: '9', exact: true })).toBeVisible();
  // Text is shown as text, not as markup.
  await expect(row.getByRole('cell', { name: 'More oat milk <b>please</b>' })).toBeVisible();
  await expect(page.getByText('1 response', { exact: true })).toBeVisible();

  // The survey list shows its status and its response count.
  await page.goto('/dashboard');
  const listed = page.getByRole('row').filter({ hasText: 'After your order' });
  await expect(listed.getByRole('cell').nth(1)).toHaveText('published');
  await expect(listed.getByRole('cell').nth(2)).toHaveText('1');
});

test('the survey works with JavaScript disabled', async ({ page, browser }) => {
  await signUp(page, 'No-JS Bakery');
  const surveyId = await createPublishedSurvey(page, 'Plain form survey');

  const context = await browser.newContext({ javaScriptEnabled: false });
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await expect(visitor.getByRole('heading', { name: 'Plain form survey' })).toBeVisible();
  await visitor.getByRole('radio', { name: '3', exact: true }).check();
  await visitor.getByRole('textbox', { name: 'What should we improve?' }).fill('Slow checkout');
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor).toHaveURL(new RegExp(`/s/${surveyId}/thanks(\\?lang=en)?$`));
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await context.close();

  await page.reload();
  const row = page.getByRole('row').filter({ hasText: 'Slow checkout' });
  await expect(row.getByRole('cell', { name: '3', exact: true })).toBeVisible();
});

test('signing out ends the session and the dashboard asks to sign in again', async ({ page }) => {
  const email = await signUp(page, 'Sign-out Ltd');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/dashboard/settings');
  // The sign-in page remembers where the visitor was going.
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard%2Fsettings$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Vox' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
});

test('wrong credentials show an error on the sign-in page', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill('nobody@example.com');
  await page.getByLabel('Password').fill('definitely wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
});
