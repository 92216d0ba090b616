import { expect, test } from '@playwright/test';
import { createSurveyViaApi, hydrated, responsesOf, signUp, surveyIdOfPage } from './helpers';

function pagedSurvey(language: string, titles: string[]) {
  return {
    name: 'Stay', status: 'published', defaultLanguage: language,
    pages: [{ id: 'ratings', questions: ['food', 'service', 'note'] }],
    questions: [
      { id: 'visit', type: 'single_choice', title: titles[0], required: true,
        choices: [{ id: 'work', label: 'A' }, { id: 'leisure', label: 'B' }] },
      { id: 'food', type: 'nps', title: titles[1], required: true },
      { id: 'service', type: 'nps', title: titles[2], required: true,
        logic: [{ when: { question: 'service', op: 'lte', value: 3 }, actions: [{ type: 'jump', ending: 'sorry' }] }] },
      { id: 'note', type: 'text', title: titles[3] },
      { id: 'last', type: 'text', title: titles[4] },
    ],
    endings: [{ id: 'sorry', title: 'Sorry', text: 'We will call you.' }],
  };
}

test('a page shows its questions together, answered with the keyboard alone; its logic runs when it is left', async ({ page, browser }) => {
  await signUp(page, 'Paged Hotel');
  const surveyId = await createSurveyViaApi(page, pagedSurvey('en', ['Why?', 'Food?', 'Service?', 'Anything to note?', 'Last words?']));
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);

  // Step 1 is the first question alone.
  await expect(visitor.getByText('Why?')).toBeVisible();
  await expect(visitor.getByText('Food?')).toBeHidden();
  await visitor.getByRole('radio', { name: 'A' }).focus();
  await visitor.keyboard.press('Space');
  await visitor.keyboard.press('Enter');

  // Step 2 is the page: three questions at once.
  for (const title of ['Food?', 'Service?', 'Anything to note?']) await expect(visitor.getByText(title)).toBeVisible();
  await expect(visitor.getByText('Last words?')).toBeHidden();
  await expect(visitor.getByRole('progressbar', { name: 'Page 2 of 3' })).toBeVisible();
  // Leaving out a required question of the page: it is named and focused, the page stays.
  await visitor.getByRole('radio', { name: '9', exact: true }).first().check();
  await visitor.keyboard.press('Enter');
  const service = visitor.locator('fieldset').filter({ hasText: 'Service?' });
  await expect(service.getByRole('alert')).toBeVisible();
  await expect(visitor.getByText('Food?')).toBeVisible();
  // Back and forth keep the answers.
  await visitor.getByRole('button', { name: 'Back' }).click();
  await expect(visitor.getByText('Why?')).toBeVisible();
  await visitor.getByRole('button', { name: 'Next' }).click();
  await expect(visitor.locator('fieldset').filter({ hasText: 'Food?' }).getByRole('radio', { name: '9', exact: true })).toBeChecked();
  await service.getByRole('radio', { name: '2', exact: true }).focus();
  await visitor.keyboard.press('Space');
  await visitor.getByRole('textbox', { name: 'Anything to note?' }).fill('The lift was slow');
  await visitor.getByRole('textbox', { name: 'Anything to note?' }).press('Enter');
  // Service 2 jumps to the ending, after the whole page was answered.
  await expect(visitor.getByRole('heading', { name: 'Sorry' })).toBeVisible();
  await context.close();
  const [response] = await responsesOf(page, surveyId);
  expect(response.answers).toEqual({ visit: 'work', food: 9, service: 2, note: 'The lift was slow' });
  expect(response.ending).toBe('sorry');
});

test('without JavaScript, and right to left, a paged survey is one form', async ({ page, browser }) => {
  await signUp(page, 'Paged Hotel RTL');
  const surveyId = await createSurveyViaApi(page, pagedSurvey('he', ['למה?', 'אוכל?', 'שירות?', 'הערות?', 'מילים אחרונות?']));
  const context = await browser.newContext({ javaScriptEnabled: false });
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await expect(visitor.locator('html')).toHaveAttribute('dir', 'rtl');
  for (const title of ['למה?', 'אוכל?', 'שירות?', 'הערות?', 'מילים אחרונות?']) await expect(visitor.getByText(title)).toBeVisible();
  await visitor.getByRole('radio', { name: 'B' }).check();
  await visitor.locator('fieldset').filter({ hasText: 'אוכל?' }).getByRole('radio', { name: '10', exact: true }).check();
  await visitor.locator('fieldset').filter({ hasText: 'שירות?' }).getByRole('radio', { name: '8', exact: true }).check();
  await visitor.getByRole('textbox', { name: 'מילים אחרונות?' }).fill('תודה');
  await visitor.getByRole('button', { name: 'שליחה' }).click();
  await expect(visitor).toHaveURL(/\/thanks/);
  await context.close();
  const [response] = await responsesOf(page, surveyId);
  expect(response.answers).toEqual({ visit: 'leisure', food: 10, service: 8, last: 'תודה' });
});

test('the builder puts questions on one page and shuffles it', async ({ page }) => {
  await signUp(page, 'Paged Builder');
  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  await page.getByLabel('Survey name', { exact: true }).fill('Built pages');
  for (let i = 1; i <= 3; i++) {
    await page.getByRole('button', { name: 'Add NPS question' }).click();
    await page.getByLabel(`Question ${i} title`, { exact: true }).fill(`Q${i}?`);
  }
  await page.getByLabel('Question 3 is on the same page as question 2').check();
  await page.getByLabel('The page starting at question 2 shows its questions in a random order (the same for each respondent)').check();
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page.getByText('published', { exact: true })).toBeVisible();
  const surveyId = await surveyIdOfPage(page);
  const survey = await (await page.request.get(`/api/surveys/${surveyId}`)).json();
  expect(survey.pages).toEqual([{ id: 'p1', questions: [survey.questions[1].id, survey.questions[2].id], shuffle: true }]);
});
