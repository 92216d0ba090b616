import { expect, Page } from '@playwright/test';

/** Waits until the page's wasm has hydrated it (clicks before that are lost). */
export async function hydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Signs up through the dashboard's form and lands on the survey list. */
export async function signUp(page: Page, organisation: string): Promise<string> {
  const email = uniqueEmail('owner');
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Organisation name').fill(organisation);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Surveys' })).toBeVisible();
  return email;
}

/** Builds and publishes a survey with an NPS and a free-text question; returns its id. */
export async function createPublishedSurvey(page: Page, name: string): Promise<string> {
  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  await page.getByLabel('Survey name').fill(name);
  await page.getByRole('button', { name: 'Add NPS question' }).click();
  await page.getByLabel('Question 1 title').fill('How likely are you to recommend us to a friend?');
  await page.getByRole('button', { name: 'Add text question' }).click();
  await page.getByLabel('Question 2 title').fill('What should we improve?');
  await page.getByLabel('Required').nth(1).uncheck();
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByText('published', { exact: true })).toBeVisible();
  const match = page.url().match(/\/dashboard\/surveys\/(srv_[0-9a-z]+)/);
  expect(match, `survey id in ${page.url()}`).not.toBeNull();
  return match![1];
}
