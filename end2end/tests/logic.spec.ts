import { expect, test } from '@playwright/test';
import { createSurveyViaApi, hydrated, responsesOf, signUp } from './helpers';

const base = process.env.VOX_E2E_BASE_URL ?? 'http://127.0.0.1:3000';

/** NPS that branches: promoters leave for a review page, detractors say what to fix and see their own ending. */
function branching() {
  return {
    name: 'Visit', status: 'published', hiddenFields: ['store'],
    variables: [{ id: 'score', type: 'number' }],
    endings: [
      { id: 'fan', title: 'Thank you, fan!', redirectUrl: `${base}/healthz?nps={{q1}}&store={{hidden.store|none}}` },
      { id: 'sorry', title: 'We are sorry', text: 'We will call you about {{fix|it}}.' },
    ],
    questions: [
      { id: 'q1', type: 'nps', title: 'Recommend us?', required: true, logic: [
        { when: { question: 'q1', op: 'gte', value: 9 }, actions: [{ type: 'jump', ending: 'fan' }] },
        { when: { question: 'q1', op: 'lte', value: 6 },
          actions: [{ type: 'require', question: 'fix' }, { type: 'jump', question: 'fix' }] },
      ] },
      { id: 'praise', type: 'text', title: 'What did you like?' },
      { id: 'fix', type: 'text', title: 'What should we fix?',
        logic: [{ when: { question: 'q1', op: 'lte', value: 6 }, actions: [{ type: 'jump', ending: 'sorry' }] }] },
      { id: 'more', type: 'text', title: 'Anything else?' },
    ],
  };
}

test('answers choose the way, logic requires an answer, and each ending says its own words', async ({ page, browser }) => {
  await signUp(page, 'Branching Taverna');
  const surveyId = await createSurveyViaApi(page, branching());
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);

  // A passive: every question, in order.
  await visitor.getByRole('radio', { name: '7', exact: true }).check();
  await expect(visitor.getByRole('progressbar', { name: 'Question 1 of 4' })).toBeVisible();
  // A detractor: praise is skipped and the survey ends after "fix".
  await visitor.getByRole('radio', { name: '3', exact: true }).check();
  await expect(visitor.getByRole('progressbar', { name: 'Question 1 of 2' })).toBeVisible();
  await visitor.getByRole('button', { name: 'Next' }).click();
  const fix = visitor.getByRole('textbox', { name: 'What should we fix?' });
  await expect(fix).toBeVisible();
  await expect(visitor.getByRole('button', { name: 'Submit' })).toBeVisible();
  // Logic made it required: the widget says so before the server would.
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('alert').first()).toBeVisible();
  await fix.fill('The music');
  // Keyboard alone from here.
  await fix.press('Enter');
  await expect(visitor.getByRole('heading', { name: 'We are sorry' })).toBeVisible();
  await expect(visitor.getByText('We will call you about The music.')).toBeVisible();
  await context.close();

  const responses = await responsesOf(page, surveyId);
  expect(responses).toHaveLength(1);
  expect(responses[0].answers).toEqual({ q1: 3, fix: 'The music' });
  expect(responses[0].ending).toBe('sorry');
});

test('a promoter is sent to the ending address with their answers encoded', async ({ page, browser }) => {
  await signUp(page, 'Redirect Taverna');
  const surveyId = await createSurveyViaApi(page, branching());
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}?store=Ag.%20Nikolaos`);
  await hydrated(visitor);
  await visitor.getByRole('radio', { name: '10', exact: true }).check();
  await expect(visitor.getByRole('progressbar', { name: 'Question 1 of 1' })).toBeVisible();
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await visitor.waitForURL(/\/healthz\?nps=10&store=Ag\.%20Nikolaos$/);
  await context.close();
  const responses = await responsesOf(page, surveyId);
  expect(responses[0].ending).toBe('fan');
});

test('a quiz adds up its score and shows it at the end, with and without JavaScript', async ({ page, browser }) => {
  await signUp(page, 'Quiz Taverna');
  const correct = (question: string, value: string) => ({
    when: { question, op: 'eq', value }, actions: [{ type: 'calculate', variable: 'score', operator: 'add', value: 1 }],
  });
  const surveyId = await createSurveyViaApi(page, {
    name: 'Greek food quiz', status: 'published',
    variables: [{ id: 'score', type: 'number' }],
    endings: [{ id: 'result', title: 'Your result', text: 'You scored {{var.score}} of 2.' }],
    questions: [
      { id: 'feta', type: 'single_choice', title: 'Feta is made from…', required: true,
        choices: [{ id: 'sheep', label: 'Sheep milk' }, { id: 'cow', label: 'Cow milk' }], logic: [correct('feta', 'sheep')] },
      { id: 'ouzo', type: 'single_choice', title: 'Ouzo tastes of…', required: true,
        choices: [{ id: 'anise', label: 'Anise' }, { id: 'mint', label: 'Mint' }],
        logic: [correct('ouzo', 'anise'), { actions: [{ type: 'jump', ending: 'result' }] }] },
    ],
  });
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  await visitor.getByRole('radio', { name: 'Sheep milk' }).check();
  await visitor.getByRole('button', { name: 'Next' }).click();
  await visitor.getByRole('radio', { name: 'Mint' }).check();
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('heading', { name: 'Your result' })).toBeVisible();
  await expect(visitor.getByText('You scored 1 of 2.')).toBeVisible();
  await context.close();

  const plain = await browser.newContext({ javaScriptEnabled: false });
  const noScript = await plain.newPage();
  await noScript.goto(`/s/${surveyId}`);
  await noScript.getByRole('radio', { name: 'Sheep milk' }).check();
  await noScript.getByRole('radio', { name: 'Anise' }).check();
  await noScript.getByRole('button', { name: 'Submit' }).click();
  await expect(noScript.getByRole('heading', { name: 'Your result' })).toBeVisible();
  await expect(noScript.getByText('You scored 2 of 2.')).toBeVisible();
  await plain.close();

  const responses = await responsesOf(page, surveyId);
  const scores = responses.map((r) => r.variables.score).sort();
  expect(scores).toEqual([1, 2]);
});

test('the branching survey reads right to left in Arabic', async ({ page, browser }) => {
  await signUp(page, 'RTL Taverna');
  const body = branching();
  const surveyId = await createSurveyViaApi(page, {
    ...body, defaultLanguage: 'ar',
    endings: [body.endings[0], { id: 'sorry', title: 'نحن آسفون', text: 'سنتصل بك بخصوص {{fix|ذلك}}.' }],
  });
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  await expect(visitor.locator('main.vox-widget')).toHaveAttribute('dir', 'rtl');
  await visitor.getByRole('radio', { name: '2', exact: true }).check();
  await visitor.getByRole('button', { name: 'التالي' }).click();
  await visitor.getByRole('textbox', { name: 'What should we fix?' }).fill('الموسيقى');
  await visitor.keyboard.press('Enter');
  await expect(visitor.getByRole('heading', { name: 'نحن آسفون' })).toBeVisible();
  await expect(visitor.getByText('سنتصل بك بخصوص الموسيقى.')).toBeVisible();
  await context.close();
});

test('the builder writes rules, variables and endings that the widget follows', async ({ page, browser }) => {
  await signUp(page, 'Builder Logic');
  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  await page.getByLabel('Survey name', { exact: true }).fill('Built with logic');
  await page.getByRole('button', { name: 'Add NPS question' }).click();
  await page.getByLabel('Question 1 title', { exact: true }).fill('Recommend us?');
  await page.getByRole('button', { name: 'Add text question' }).click();
  await page.getByLabel('Question 2 title', { exact: true }).fill('Tell us more');

  await page.getByText('Variables and endings').click();
  await page.getByRole('button', { name: 'Add variable' }).click();
  await page.getByLabel('Variable 1 id').fill('score');
  await page.getByRole('button', { name: 'Add ending' }).click();
  await page.getByLabel('Ending 1 id').fill('fan');
  await page.getByLabel('Ending 1 heading').fill('Thanks, fan!');
  await page.getByLabel('Ending 1 text').fill('Your score: {{var.score}}');

  await page.getByRole('button', { name: 'Add rule to question 1' }).click();
  await page.getByLabel('Question 1 rule 1 condition 1 operator').selectOption('is at least');
  const value = page.getByLabel('Question 1 rule 1 condition 1 value');
  await value.fill('9');
  await value.blur();
  const addAction = page.getByRole('button', { name: 'Question 1 rule 1 add action' });
  await addAction.click();
  await page.getByLabel('Question 1 rule 1 action 1 type').selectOption('Jump to ending');
  await page.getByLabel('Question 1 rule 1 action 1 ending').selectOption('fan');
  await addAction.click();
  await page.getByLabel('Question 1 rule 1 action 2 type').selectOption('Calculate variable');
  await page.getByLabel('Question 1 rule 1 action 2 variable').selectOption('score');
  const amount = page.getByLabel('Question 1 rule 1 action 2 value');
  await amount.fill('5');
  await amount.blur();
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await page.waitForURL(/\/dashboard\/surveys\/srv_[0-9a-z]+$/);
  const surveyId = page.url().split('/').pop()!;

  const survey = await (await page.request.get(`/api/surveys/${surveyId}`)).json();
  expect(survey.questions[0].logic).toEqual([{
    when: { question: 'q1', op: 'gte', value: 9 },
    actions: [{ type: 'jump', ending: 'fan' }, { type: 'calculate', variable: 'score', operator: 'add', value: 5 }],
  }]);
  expect(survey.variables).toEqual([{ id: 'score', type: 'number' }]);

  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  await visitor.getByRole('radio', { name: '9', exact: true }).check();
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('heading', { name: 'Thanks, fan!' })).toBeVisible();
  await expect(visitor.getByText('Your score: 5')).toBeVisible();
  await context.close();
});
