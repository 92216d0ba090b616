import { expect, Page, test } from '@playwright/test';
import { createSurveyViaApi, hydrated, signUp } from './helpers';

const questions = [
  { id: 'q1', type: 'nps', title: 'How likely are you to recommend us?', required: true },
  { id: 'q2', type: 'text', title: 'Why?' },
];

async function respond(page: Page, surveyId: string, answers: object): Promise<string> {
  const res = await page.request.post(`/api/client/surveys/${surveyId}/responses`, { data: { answers } });
  expect(res.status()).toBe(201);
  return (await res.json()).id;
}

test('a detractor becomes a case in my inbox, is resolved, and the history and overview show it', async ({ page }) => {
  const email = await signUp(page, 'Case Co');
  const surveyId = await createSurveyViaApi(page, { name: 'After the delivery', status: 'published', questions });
  const detractor = await respond(page, surveyId, { q1: 1, q2: 'Late and cold' });

  // Opened from the response's page, assigned to me, due tomorrow.
  await page.goto(`/dashboard/responses/${detractor}`);
  await hydrated(page);
  const panel = page.getByRole('region', { name: 'Case' });
  await panel.getByRole('button', { name: 'Open a case' }).click();
  await panel.getByLabel('Title').fill('Call back about <b>late</b> delivery');
  await panel.getByLabel('Assignee').selectOption({ label: email });
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
  await panel.getByLabel('Due (UTC)').fill(tomorrow);
  await panel.getByLabel('Priority').selectOption({ label: 'High' });
  await panel.getByRole('button', { name: 'Open case' }).click();
  // The title is text, never markup.
  await expect(panel.getByRole('heading', { name: 'Call back about <b>late</b> delivery' })).toBeVisible();
  await expect(panel.locator('.badge', { hasText: 'Open' })).toBeVisible();
  await expect(panel.getByRole('list', { name: 'Case history' }).getByText(`${email} assigned it to ${email}`)).toBeVisible();

  // It waits in my inbox, with its count.
  await page.goto('/dashboard/cases');
  await hydrated(page);
  await expect(page.getByRole('link', { name: 'My cases (1)' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Unassigned (0)' })).toBeVisible();
  const row = page.getByRole('row', { name: /Call back about/ });
  await expect(row.getByText('High')).toBeVisible();
  await row.getByRole('link', { name: 'Call back about <b>late</b> delivery' }).click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/responses/${detractor}$`));
  await hydrated(page);

  // Resolving needs a resolution.
  const working = page.getByRole('region', { name: 'Case' });
  await working.getByLabel('Status').selectOption({ label: 'Resolved' });
  await working.getByRole('button', { name: 'Save case' }).click();
  await expect(working.getByText('say how the case was resolved')).toBeVisible();
  await working.getByLabel('Resolution').fill('Refunded the delivery fee.');
  await working.getByRole('button', { name: 'Save case' }).click();
  await expect(working.locator('.badge', { hasText: 'Resolved' })).toBeVisible();
  const history = working.getByRole('list', { name: 'Case history' });
  await expect(history.getByText(`${email} moved it from Open to Resolved`)).toBeVisible();
  await expect(history.getByText(`${email} wrote the resolution: Refunded the delivery fee.`)).toBeVisible();

  // Out of my open cases, into the resolved ones; the survey's overview counts it.
  await page.goto('/dashboard/cases');
  await expect(page.getByRole('link', { name: 'My cases (0)' })).toBeVisible();
  await page.getByRole('link', { name: 'Resolved and closed (1)' }).click();
  await expect(page.getByRole('row', { name: /Call back about/ }).getByText('Resolved')).toBeVisible();
  await page.goto(`/dashboard/surveys/${surveyId}`);
  await expect(page.locator('[data-figure="open-cases"]')).toHaveText('0');
  await expect(page.locator('[data-figure="time-to-resolution"]')).toHaveText(/\d+ min/);
});

test('without JavaScript the inbox still lists, filters and links cases', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  // Signing up needs no JavaScript either: the form posts.
  const owner = await browser.newPage();
  await signUp(owner, 'Plain Cases');
  const surveyId = await createSurveyViaApi(owner, { name: 'Plain', status: 'published', questions });
  const response = await respond(owner, surveyId, { q1: 3 });
  const res = await owner.request.post('/api/cases', { data: { responseId: response, title: 'Unassigned one' } });
  expect(res.status()).toBe(201);
  await context.addCookies(await owner.context().cookies());

  await page.goto('/dashboard/cases?view=unassigned');
  await expect(page.getByRole('link', { name: 'Unassigned (1)' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Unassigned one' })).toBeVisible();
  await page.getByLabel('Priority').selectOption('urgent');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/view=unassigned.*priority=urgent/);
  await expect(page.getByText('No cases here.')).toBeVisible();
  await context.close();
});
