import { test, expect } from '@playwright/test';
import { createSurveyViaApi, hydrated, responsesOf, signUp } from './helpers';

const questions = [
  { id: 'q1', type: 'nps', title: 'How likely are you to recommend us?', required: true },
  {
    id: 'q2', type: 'multiple_choice', title: 'What did you enjoy?', allowOther: true,
    choices: [{ id: 'food', label: 'The food' }, { id: 'staff', label: 'The staff' }],
  },
  { id: 'q3', type: 'rating', title: 'Rate the room', scale: 5, style: 'stars', required: true },
];

test('a translated survey speaks the visitor\'s language, and says thank you in it', async ({ page, browser }) => {
  await signUp(page, 'Hotel Aegean');
  const surveyId = await createSurveyViaApi(page, {
    name: 'After your stay', status: 'published', questions,
    translations: {
      el: {
        name: 'Μετά τη διαμονή σας', thankYou: 'Σας ευχαριστούμε πολύ!',
        questions: {
          q1: { title: 'Πόσο πιθανό είναι να μας προτείνετε;' },
          q2: { title: 'Τι σας άρεσε;', choices: { food: 'Το φαγητό', staff: 'Το προσωπικό' } },
          q3: { title: 'Βαθμολογήστε το δωμάτιο' },
        },
      },
    },
    theme: { brandColor: '#0f766e' },
  });

  // The browser asks for Greek (Accept-Language): the survey and the widget's own words are Greek.
  const context = await browser.newContext({ locale: 'el-GR' });
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  await expect(visitor.getByRole('heading', { name: 'Μετά τη διαμονή σας' })).toBeVisible();
  await expect(visitor.getByRole('progressbar', { name: 'Ερώτηση 1 από 3' })).toBeVisible();
  // The brand colour is the survey's.
  await expect(visitor.getByRole('button', { name: 'Επόμενο' })).toHaveCSS('background-color', 'rgb(15, 118, 110)');
  await visitor.getByRole('radio', { name: '8', exact: true }).check();
  await visitor.getByRole('button', { name: 'Επόμενο' }).click();

  // "Other" with the visitor's own words.
  await visitor.getByRole('checkbox', { name: 'Το φαγητό' }).check();
  await visitor.getByRole('checkbox', { name: 'Άλλο' }).check();
  await visitor.getByRole('textbox', { name: 'Τι σας άρεσε; — Παρακαλούμε διευκρινίστε' }).fill('Η θέα');
  await visitor.getByRole('button', { name: 'Επόμενο' }).click();

  await visitor.getByRole('radio', { name: '4 από 5 αστέρια' }).check();
  await visitor.getByRole('button', { name: 'Υποβολή' }).click();
  await expect(visitor.getByRole('heading', { name: 'Ευχαριστούμε!' })).toBeVisible();
  await expect(visitor.getByText('Σας ευχαριστούμε πολύ!')).toBeVisible();
  await context.close();

  const [response] = await responsesOf(page, surveyId);
  expect(response.completed).toBe(true);
  expect(response.language).toBe('el');
  expect(response.answers).toEqual({ q1: 8, q2: ['food', 'other'], 'q2.other': 'Η θέα', q3: 4 });
});

test('an Arabic survey reads right to left', async ({ page }) => {
  await signUp(page, 'Souk Ltd');
  const surveyId = await createSurveyViaApi(page, {
    name: 'Survey', status: 'published', questions: [questions[0]],
    translations: { ar: { name: 'استطلاع', questions: { q1: { title: 'ما مدى احتمال أن توصي بنا؟' } } } },
  });
  await page.goto(`/s/${surveyId}?lang=ar`);
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { name: 'استطلاع' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'إرسال' })).toBeVisible();
});

test('a wrong answer is explained in the visitor\'s language, not the API\'s', async ({ page }) => {
  await signUp(page, 'Kaffeehaus');
  const surveyId = await createSurveyViaApi(page, {
    name: 'Survey', status: 'published',
    questions: [{ id: 'q1', type: 'email', title: 'Your email?', required: true }],
    translations: { de: { name: 'Umfrage', questions: { q1: { title: 'Ihre E-Mail?' } } } },
  });
  await page.goto(`/s/${surveyId}?lang=de`);
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Ihre E-Mail?' }).fill('kein-email');
  await page.getByRole('button', { name: 'Absenden' }).click();
  await expect(page.getByText('Bitte geben Sie eine gültige E-Mail-Adresse ein.')).toBeVisible();
  await expect(page.getByText('must be an email address')).toHaveCount(0);
  await page.getByRole('textbox', { name: 'Ihre E-Mail?' }).fill('gast@example.de');
  await page.getByRole('button', { name: 'Absenden' }).click();
  await expect(page.getByRole('heading', { name: 'Vielen Dank!' })).toBeVisible();
});

test('the survey can be answered with the keyboard alone', async ({ page, browser }) => {
  await signUp(page, 'Keyboard Co');
  const surveyId = await createSurveyViaApi(page, {
    name: 'Keyboard survey', status: 'published',
    questions: [questions[0], { id: 'q2', type: 'text', title: 'Anything else?', multiline: false }],
  });
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);

  // Tab into the scale; arrows move the choice, as in any radio group.
  await visitor.keyboard.press('Tab');
  await expect(visitor.getByRole('radio', { name: '0', exact: true })).toBeFocused();
  for (let i = 0; i < 7; i++) await visitor.keyboard.press('ArrowRight');
  await expect(visitor.getByRole('radio', { name: '7', exact: true })).toBeChecked();
  // Tab leaves the group and reaches "Next"; Enter activates it.
  await visitor.keyboard.press('Tab');
  await expect(visitor.getByRole('button', { name: 'Next' })).toBeFocused();
  await visitor.keyboard.press('Enter');
  // Focus moves to the new question, so the next Tab reaches its field.
  await expect(visitor.locator('#title-q2')).toBeFocused();
  await visitor.keyboard.press('Tab');
  await expect(visitor.getByRole('textbox', { name: 'Anything else?' })).toBeFocused();
  await visitor.keyboard.type('All by keyboard');
  // Enter in a one-line field submits the step, as in any form.
  await visitor.keyboard.press('Enter');
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  // Focus moves to the thank-you, so a screen reader reads it out.
  await expect(visitor.locator('#vox-thanks')).toBeFocused();
  await context.close();

  const [response] = await responsesOf(page, surveyId);
  expect(response.answers).toEqual({ q1: 7, q2: 'All by keyboard' });
  expect(response.completed).toBe(true);
});

test('answers are saved as the visitor goes, and a reload continues where they were', async ({ page, browser }) => {
  await signUp(page, 'Resume Inc');
  const surveyId = await createSurveyViaApi(page, {
    name: 'Three steps', status: 'published',
    questions: [
      questions[0],
      { id: 'q2', type: 'csat', title: 'How satisfied are you?', required: true },
      { id: 'q3', type: 'text', title: 'Tell us more', multiline: true },
    ],
    hiddenFields: ['source'],
  });
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}?source=newsletter`);
  await hydrated(visitor);
  await visitor.getByRole('radio', { name: '6', exact: true }).check();
  await visitor.getByRole('button', { name: 'Next' }).click();
  await expect(visitor.getByRole('progressbar', { name: 'Question 2 of 3' })).toBeVisible();

  // The first answer created a partial response, with the hidden field.
  let responses = await responsesOf(page, surveyId);
  expect(responses).toHaveLength(1);
  expect(responses[0].completed).toBe(false);
  expect(responses[0].answers).toEqual({ q1: 6 });
  expect(responses[0].hiddenFields).toEqual({ source: 'newsletter' });

  await visitor.reload();
  await hydrated(visitor);
  await expect(visitor.getByRole('progressbar', { name: 'Question 2 of 3' })).toBeVisible();
  await visitor.getByRole('button', { name: 'Back' }).click();
  await expect(visitor.getByRole('radio', { name: '6', exact: true })).toBeChecked();
  await visitor.getByRole('button', { name: 'Next' }).click();
  // Both scales have a "4": pick the one of the question on screen.
  const satisfaction = visitor.getByRole('group', { name: 'How satisfied are you?' });
  await expect(visitor.getByRole('progressbar', { name: 'Question 2 of 3' })).toBeVisible();
  await satisfaction.getByRole('radio', { name: '4', exact: true }).check();
  await visitor.getByRole('button', { name: 'Next' }).click();
  await expect(visitor.getByRole('progressbar', { name: 'Question 3 of 3' })).toBeVisible();
  await visitor.getByRole('textbox', { name: 'Tell us more' }).fill('Resumed after a reload');
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await context.close();

  responses = await responsesOf(page, surveyId);
  expect(responses).toHaveLength(1);
  expect(responses[0].completed).toBe(true);
  expect(responses[0].answers).toEqual({ q1: 6, q2: 4, q3: 'Resumed after a reload' });
});

test('both widget bundles are served precompressed and cacheable', async ({ request }) => {
  // The classic bundle, and the one for surveys using the newer question types.
  // The latter is split: its loader, the chunk of the rarer controls and the survey's rules too.
  const files = {
    '/pkg/widget': ['vox_widget_bg.wasm', 'vox_widget.js', 'boot.js'],
    '/pkg/widget/every-type': ['vox_widget_bg.wasm', 'vox_widget.js', 'boot.js', '__wasm_split.js', 'split_vox_controls.wasm', 'split_vox_rules.wasm'],
  };
  for (const [dir, names] of Object.entries(files)) {
    for (const file of names) {
      const res = await request.get(`${dir}/${file}`, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.status()).toBe(200);
      expect(res.headers()['content-encoding']).toBe('br');
      expect(res.headers()['cache-control']).toContain('max-age=');
    }
    for (const file of names.filter((name) => name.endsWith('.wasm'))) {
      const wasm = await request.get(`${dir}/${file}`, { headers: { 'accept-encoding': 'br' } });
      expect(wasm.headers()['content-type']).toBe('application/wasm');
    }
  }
});
