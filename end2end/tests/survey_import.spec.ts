import { test, expect } from '@playwright/test';
import { createSurveyViaApi, hydrated, signUp } from './helpers';

test('a survey exported as JSON is imported into another organisation as a draft', async ({ page, browser }) => {
  await signUp(page, 'Exporting Co');
  const surveyId = await createSurveyViaApi(page, {
    name: 'Weekend visit',
    status: 'published',
    questions: [
      { id: 'score', type: 'nps', title: 'How likely are you to recommend us?', required: true },
      { id: 'why', type: 'text', title: 'What went wrong?', showIf: { question: 'score', op: 'lte', value: 6 } },
    ],
  });
  await page.goto(`/dashboard/surveys/${surveyId}`);
  await hydrated(page);
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export as JSON' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${surveyId}.vox-survey.json`);
  const file = await download.path();

  // Another organisation, in a fresh browser: the file becomes a draft with renumbered ids.
  const context = await browser.newContext();
  const other = await context.newPage();
  await signUp(other, 'Importing Co');
  await hydrated(other);
  await other.getByText('Import a survey').click();
  await other.getByLabel('Survey file (exported from Vox as JSON)').setInputFiles(file);
  await expect(other.getByLabel('Or paste the document')).toHaveValue(/"vox.survey"/);
  await other.getByLabel('Question ids').selectOption('remap');
  await other.getByRole('button', { name: 'Import as a draft' }).click();
  await expect(other).toHaveURL(/\/dashboard\/surveys\/srv_[0-9a-z]+\/edit$/);
  const importedId = other.url().match(/(srv_[0-9a-z]+)/)![1];
  expect(importedId).not.toBe(surveyId);
  const res = await other.request.get(`/api/surveys/${importedId}`);
  const imported = await res.json();
  expect(imported.status).toBe('draft');
  expect(imported.name).toBe('Weekend visit');
  expect(imported.questions.map((q: any) => q.id)).toEqual(['q1', 'q2']);
  expect(imported.questions[1].showIf).toEqual({ question: 'q1', op: 'lte', value: 6 });

  // A pasted document that is not a survey is explained, and nothing is created.
  await other.goto('/dashboard');
  await hydrated(other);
  await other.getByText('Import a survey').click();
  await other.getByLabel('Or paste the document').fill('{"format": "typeform"}');
  await other.getByRole('button', { name: 'Import as a draft' }).click();
  await expect(other.getByText(/not a survey document exported from Vox/)).toBeVisible();
  const list = await (await other.request.get('/api/surveys')).json();
  expect(list.meta.total).toBe(1);
  await context.close();
});
