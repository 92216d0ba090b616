import { test, expect, Page } from '@playwright/test';
import { createSurveyViaApi, hydrated, linkTo, signUp, uniqueEmail } from './helpers';

const questions = [
  { id: 'q1', type: 'nps', title: 'How likely are you to recommend us?', required: true },
  { id: 'q2', type: 'csat', title: 'How satisfied are you?' },
  { id: 'q3', type: 'text', title: 'What should we improve?' },
];

async function respond(page: Page, surveyId: string, answers: object) {
  const res = await page.request.post(`/api/client/surveys/${surveyId}/responses`, { data: { answers } });
  expect(res.status()).toBe(201);
}

function figure(page: Page, name: string) {
  return page.locator(`[data-figure="${name}"]`);
}

test('a seeded survey shows its exact NPS and CSAT; filters, export and live updates follow', async ({ page }) => {
  await signUp(page, 'Metrics Co');
  const surveyId = await createSurveyViaApi(page, { name: 'After delivery', status: 'published', questions });
  // NPS: 4 promoters (10, 9, 9, 10), 2 passives (8, 7), 2 detractors (3, 0) of 8 → 25.
  // CSAT: 5, 4, 4, 3, 2, 5, 1, 4 → 5 of 8 satisfied → 62.5 %.
  const nps = [10, 9, 9, 8, 7, 3, 0, 10];
  const csat = [5, 4, 4, 3, 2, 5, 1, 4];
  for (let i = 0; i < nps.length; i++) {
    await respond(page, surveyId, { q1: nps[i], q2: csat[i], q3: nps[i] <= 6 ? 'Too slow <b>really</b>' : 'Fine' });
  }

  await page.goto(`/dashboard/surveys/${surveyId}`);
  await hydrated(page);
  await expect(figure(page, 'responses')).toHaveText('8');
  await expect(figure(page, 'nps')).toHaveText('25');
  await expect(figure(page, 'csat')).toHaveText('62.5%');
  await expect(page.getByText('4 promoters · 2 passives · 2 detractors')).toBeVisible();
  // Answers are text, never markup.
  await expect(page.getByText('Too slow <b>really</b>').first()).toBeVisible();

  // Detractors only: the figures and the list follow, and the address keeps the view.
  await page.getByLabel('NPS group').selectOption('lte:6');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/answer\.q1=lte%3A6/);
  await hydrated(page);
  await expect(figure(page, 'responses')).toHaveText('2');
  await expect(figure(page, 'nps')).toHaveText('-100');
  await expect(page.getByText('2 responses', { exact: true })).toBeVisible();

  // The export holds exactly the filtered responses.
  const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
  expect(href).toContain('answer.q1=lte%3A6');
  const csv = await (await page.request.get(href!)).text();
  expect(csv.trim().split('\r\n')).toHaveLength(1 + 2);
  // The button streams it with progress.
  const download = page.waitForEvent('download');
  // Clicked before the link is hydrated, it would be a plain download without progress.
  await expect(page.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('data-enhanced', 'true');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  await expect(page.getByText('Exported 2 rows')).toBeVisible();
  expect((await download).suggestedFilename()).toBe('responses.csv');

  // A new detractor appears without reloading.
  await respond(page, surveyId, { q1: 2, q2: 1 });
  await expect(figure(page, 'responses')).toHaveText('3', { timeout: 15_000 });

  // One response in detail, then deleted after confirmation.
  await page.getByRole('link', { name: 'Details' }).first().click();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Answers' })).toBeVisible();
  await page.getByRole('button', { name: 'Delete this response' }).click();
  await page.getByRole('button', { name: 'Yes, delete it' }).click();
  await expect(page.getByText('The response and its personal data were deleted.')).toBeVisible();
  const list = await (await page.request.get(`/api/surveys/${surveyId}/responses`)).json();
  expect(list.meta.total).toBe(8);
});

test('a viewer sees no edit controls, and a forged change is refused', async ({ page, browser }) => {
  await signUp(page, 'Viewer Co');
  const surveyId = await createSurveyViaApi(page, { name: 'Read only', status: 'published', questions });
  await page.goto('/dashboard/settings');
  await hydrated(page);
  const viewerEmail = uniqueEmail('viewer');
  await page.getByLabel('Invite by email').fill(viewerEmail);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invitation emailed to ${viewerEmail}`)).toBeVisible();
  // The inviter never sees the link: it reaches the invitee by email only.
  await expect(page.getByText('/join/')).toHaveCount(0);
  const link = await linkTo(page.request, viewerEmail, '/join/');

  const context = await browser.newContext();
  const viewer = await context.newPage();
  await viewer.goto(link);
  await hydrated(viewer);
  await expect(viewer.getByRole('heading', { name: 'Join Viewer Co' })).toBeVisible();
  await viewer.getByLabel(/password/).fill('a long viewer password');
  await viewer.getByRole('button', { name: 'Create account and join' }).click();
  await expect(viewer.getByRole('heading', { name: 'Surveys' })).toBeVisible();

  await viewer.goto(`/dashboard/surveys/${surveyId}`);
  await hydrated(viewer);
  await expect(viewer.getByRole('heading', { name: 'Read only' })).toBeVisible();
  await expect(viewer.getByRole('link', { name: 'Edit survey' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Close survey' })).toHaveCount(0);

  const forged = await viewer.request.post('/rpc/set_survey_status', {
    headers: { Accept: 'application/json' }, data: { id: surveyId, status: 'closed' },
  });
  expect(forged.status()).toBe(403);
  const viaApi = await viewer.request.delete(`/api/surveys/${surveyId}`);
  expect(viaApi.status()).toBe(403);
  const survey = await (await page.request.get(`/api/surveys/${surveyId}`)).json();
  expect(survey.status).toBe('published');
  await context.close();
});
