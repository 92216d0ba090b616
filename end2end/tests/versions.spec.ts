import { test, expect } from '@playwright/test';
import { createSurveyViaApi, hydrated, signUp } from './helpers';

test('editing a published survey while responses arrive loses nothing and shows both versions', async ({ page }) => {
  await signUp(page, 'Versions Co');
  const surveyId = await createSurveyViaApi(page, {
    name: 'Checkout',
    status: 'published',
    questions: [
      { id: 'q1', type: 'nps', title: 'How likely are you to recommend us?', required: true },
      { id: 'q2', type: 'text', title: 'What should we improve?' },
    ],
  });
  const first = await page.request.post(`/api/client/surveys/${surveyId}/responses`, {
    data: { answers: { q1: 4, q2: 'Faster delivery' } },
  });
  expect(first.status()).toBe(201);
  const firstId = (await first.json()).id;

  // Responses keep arriving, from another client, while the owner edits.
  let accepted = 1;
  let editing = true;
  const arriving = (async () => {
    while (editing) {
      const res = await page.request.post(`/api/client/surveys/${surveyId}/responses`, { data: { answers: { q1: 8 } } });
      expect(res.status(), await res.text()).toBe(201);
      accepted++;
    }
  })();

  await page.goto(`/dashboard/surveys/${surveyId}/edit`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Remove question 2' }).click();
  await page.getByRole('button', { name: 'Add CSAT question' }).click();
  await page.getByLabel('Question 2 title', { exact: true }).fill('How satisfied are you?');
  // Optional, so the responses still arriving with only q1 stay valid under version 2.
  await page.getByLabel('Question 2 required').uncheck();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { name: 'Checkout' })).toBeVisible();
  await expect(page.locator('.page-head .badge').filter({ hasText: 'version 2' })).toBeVisible();
  editing = false;
  await arriving;

  // The new question did not take the removed one's id: its answers stay apart.
  const survey = await (await page.request.get(`/api/surveys/${surveyId}`)).json();
  expect(survey.questions.map((q: any) => q.id)).toEqual(['q1', 'q3']);
  const late = await page.request.post(`/api/client/surveys/${surveyId}/responses`, { data: { answers: { q1: 10, q3: 5 } } });
  expect(late.status()).toBe(201);
  const lateResponse = await (await page.request.get(`/api/responses/${(await late.json()).id}`)).json();
  expect(lateResponse.surveyVersion).toBe(2);
  accepted++;

  // Every accepted response is there, each under the version it was checked against.
  const all = await (await page.request.get(`/api/surveys/${surveyId}/responses?per_page=500`)).json();
  expect(all.meta.total).toBe(accepted);
  const v1 = await (await page.request.get(`/api/surveys/${surveyId}/responses?per_page=500&version=1`)).json();
  const v2 = await (await page.request.get(`/api/surveys/${surveyId}/responses?per_page=500&version=2`)).json();
  expect(v1.meta.total + v2.meta.total).toBe(accepted);
  expect(v2.meta.total).toBeGreaterThanOrEqual(1);

  // The survey page lists both versions and what changed.
  await page.reload();
  await hydrated(page);
  const versions = page.getByRole('region', { name: 'Versions' });
  await expect(versions.getByRole('row')).toHaveCount(3);
  await expect(versions.getByText('added q3; removed q2')).toBeVisible();
  await expect(versions.getByText('first published')).toBeVisible();

  // The filter keeps to one version.
  await page.locator('select[name="version"]').selectOption('1');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/version=1/);
  await hydrated(page);
  await expect(page.locator('[data-figure="responses"]')).toHaveText(String(v1.meta.total));

  // The first response still reads against version 1, removed question and all.
  await page.goto(`/dashboard/responses/${firstId}`);
  await hydrated(page);
  await expect(page.getByText('What should we improve?')).toBeVisible();
  await expect(page.getByText('Faster delivery')).toBeVisible();
  await expect(page.locator('dl.facts dt:has-text("Survey version") + dd')).toHaveText('1');
});
