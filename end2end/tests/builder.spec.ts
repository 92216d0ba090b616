import { test, expect } from '@playwright/test';
import { hydrated, signUp } from './helpers';

test('the builder edits, duplicates, reorders and translates questions with a live preview', async ({ page }) => {
  await signUp(page, 'Builder Bistro');
  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  await page.getByLabel('Survey name', { exact: true }).fill('Dinner feedback');
  await page.getByRole('button', { name: 'Add single choice question' }).click();
  await page.getByLabel('Question 1 title', { exact: true }).fill('Which dish did you have?');
  await page.getByLabel('Question 1 choice 1').fill('Moussaka');
  await page.getByLabel('Question 1 choice 2').fill('Souvlaki');
  await page.getByRole('button', { name: 'Add a choice to question 1' }).click();
  await page.getByLabel('Question 1 choice 3').fill('Salad');
  await page.getByLabel('Question 1 offers "Other" with a text box').check();
  await page.getByRole('button', { name: 'Add rating question' }).click();
  await page.getByLabel('Question 2 title', { exact: true }).fill('Rate the service');

  // The preview is the widget itself, updated as the survey is edited.
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByRole('heading', { name: 'Dinner feedback' })).toBeVisible();
  await expect(preview.getByRole('radio', { name: 'Souvlaki' })).toBeVisible();
  await expect(preview.getByRole('radio', { name: 'Other' })).toBeVisible();

  // Duplicate question 2, retitle the copy, and move it to the top.
  await page.getByRole('button', { name: 'Duplicate question 2' }).click();
  await page.getByLabel('Question 3 title', { exact: true }).fill('Rate the food');
  await page.getByRole('button', { name: 'Move question 3 up' }).click();
  await page.getByRole('button', { name: 'Move question 2 up' }).click();
  await expect(page.getByLabel('Question 1 title', { exact: true })).toHaveValue('Rate the food');
  await expect(preview.getByText('Rate the food')).toBeVisible();

  // A Greek translation, previewed in Greek.
  await page.getByText('Languages').click();
  await page.getByLabel('Add a language').fill('el');
  await page.getByRole('button', { name: 'Add language' }).click();
  await page.getByLabel('Survey name (el)').fill('Σχόλια για το δείπνο');
  await page.getByLabel('Question 1 title (el)').fill('Βαθμολογήστε το φαγητό');
  await preview.getByLabel('Language').selectOption('el');
  await expect(preview.getByRole('heading', { name: 'Σχόλια για το δείπνο' })).toBeVisible();
  await expect(preview.getByText('Βαθμολογήστε το φαγητό')).toBeVisible();
  await expect(preview.getByRole('button', { name: 'Επόμενο' })).toBeVisible();

  await page.getByRole('button', { name: 'Save and publish' }).click();
  await page.waitForURL(/\/dashboard\/surveys\/srv_[0-9a-z]+$/);
  await expect(page.getByRole('heading', { name: 'Dinner feedback' })).toBeVisible();
  const surveyId = page.url().split('/').pop()!;
  const saved = await (await page.request.get(`/api/surveys/${surveyId}`)).json();
  expect(saved.questions.map((q: any) => q.title)).toEqual(['Rate the food', 'Which dish did you have?', 'Rate the service']);
  expect(saved.questions[1].choices.map((c: any) => c.label)).toEqual(['Moussaka', 'Souvlaki', 'Salad']);
  expect(saved.questions[1].allowOther).toBe(true);
  expect(saved.translations.el.name).toBe('Σχόλια για το δείπνο');

  // Editing later keeps question ids (answers refer to them) and the version check.
  await page.getByRole('link', { name: 'Edit survey' }).click();
  await hydrated(page);
  await expect(page.getByLabel('Question 3 title', { exact: true })).toHaveValue('Rate the service');
  await page.getByRole('button', { name: 'Remove question 3' }).click();
  await page.getByLabel('Question 1 title', { exact: true }).fill('Rate the food, please');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { name: 'Dinner feedback' })).toBeVisible();
  const edited = await (await page.request.get(`/api/surveys/${surveyId}`)).json();
  expect(edited.questions.map((q: any) => q.id)).toEqual(saved.questions.slice(0, 2).map((q: any) => q.id));
  expect(edited.questions[0].title).toBe('Rate the food, please');
  expect(edited.status).toBe('published');
});
