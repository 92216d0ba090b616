import { expect, Page, test } from '@playwright/test';
import { createSurveyViaApi, hydrated, responsesOf, signUp, surveyIdOfPage } from './helpers';

const questions = [
  { id: 'store', type: 'dropdown', title: 'Which store?', required: true,
    choices: [{ id: 'ath', label: 'Athens' }, { id: 'the', label: 'Thessaloniki' }] },
  { id: 'prio', type: 'ranking', title: 'What matters most?', rankCount: 2, required: true,
    choices: [{ id: 'price', label: 'Price' }, { id: 'speed', label: 'Speed' }, { id: 'care', label: 'Care' }] },
  { id: 'grid', type: 'matrix', title: 'How was it?', required: true,
    rows: [{ id: 'food', label: 'Food' }, { id: 'staff', label: 'Staff' }],
    columns: [{ id: 'good', label: 'Good' }, { id: 'bad', label: 'Bad' }] },
  { id: 'spent', type: 'number', title: 'How much did you spend?', min: 0, max: 1000, step: 0.5, unit: '€' },
  { id: 'visit', type: 'date', title: 'When did you visit?', min: '2026-01-01', max: '2026-12-31' },
  { id: 'terms', type: 'consent', title: 'Privacy', label: 'You may contact me', required: true },
  { id: 'news', type: 'statement', title: 'Our newsletter', buttonLabel: 'Read it', buttonUrl: 'https://example.com/news' },
  { id: 'look', type: 'picture_choice', title: 'Which look?', multiple: true,
    choices: [{ id: 'red', label: 'Red bowl', imageUrl: 'https://example.com/red.png' },
              { id: 'blue', label: 'Blue bowl', imageUrl: 'https://example.com/blue.png' }] },
  { id: 'you', type: 'contact_info', title: 'Who are you?',
    fields: [{ name: 'firstName' }, { name: 'email', required: true }] },
  { id: 'home', type: 'address', title: 'Where do you live?', fields: [{ name: 'city' }, { name: 'country' }] },
];

/** Presses Tab until the button named `name` has the focus (keyboard only). */
async function tabTo(page: Page, name: string) {
  const button = page.getByRole('button', { name, exact: true });
  for (let i = 0; i < 12; i++) {
    if (await button.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(button).toBeFocused();
}

test('every new question type is answered with the keyboard alone, right to left', async ({ page, browser }) => {
  await signUp(page, 'Keyboard Types Co');
  const surveyId = await createSurveyViaApi(page, {
    name: 'استطلاع', status: 'published', defaultLanguage: 'ar', questions,
  });
  const context = await browser.newContext({ locale: 'en-US' });
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  await expect(visitor.locator('main.vox-widget')).toHaveAttribute('dir', 'rtl');
  const next = 'التالي';

  // A drop-down: a native list box, chosen with the arrow keys.
  await visitor.keyboard.press('Tab');
  const store = visitor.getByRole('combobox', { name: 'Which store?' });
  await expect(store).toBeFocused();
  await visitor.keyboard.press('ArrowDown');
  await expect(store).toHaveValue('ath');
  await tabTo(visitor, next);
  await visitor.keyboard.press('Enter');

  // A ranking: one list box per place.
  await expect(visitor.locator('#title-prio')).toBeFocused();
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.press('ArrowDown'); // place 1: Price
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.press('ArrowDown');
  await visitor.keyboard.press('ArrowDown'); // place 2: Speed
  await expect(visitor.getByRole('combobox', { name: 'What matters most? المرتبة 2' })).toHaveValue('speed');
  await tabTo(visitor, next);
  await visitor.keyboard.press('Enter');

  // A matrix: a radio group per row.
  await expect(visitor.locator('#title-grid')).toBeFocused();
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.press('Space'); // Food: Good
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.press('ArrowDown'); // Staff: Bad
  await expect(visitor.getByRole('radiogroup', { name: 'How was it? Staff' }).getByRole('radio', { name: 'Bad' })).toBeChecked();
  await tabTo(visitor, next);
  await visitor.keyboard.press('Enter');

  // A number, then a date: Enter in a field moves on, as in any form.
  await expect(visitor.locator('#title-spent')).toBeFocused();
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.type('12.5');
  await visitor.keyboard.press('Enter');
  await expect(visitor.locator('#title-visit')).toBeFocused();
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.type('03012026');
  await expect(visitor.getByLabel('When did you visit?')).toHaveValue('2026-03-01');
  await visitor.keyboard.press('Enter');

  // Consent must be given to go on.
  await expect(visitor.locator('#title-terms')).toBeFocused();
  await tabTo(visitor, next);
  await visitor.keyboard.press('Enter');
  await expect(visitor.getByRole('alert').filter({ hasText: 'يرجى الإجابة' })).toBeVisible();
  // The refused step keeps the focus on its title, so the next Tab reaches the box.
  await expect(visitor.locator('#title-terms')).toBeFocused();
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.press('Space');
  await tabTo(visitor, next);
  await visitor.keyboard.press('Enter');

  // A statement's button counts a click.
  await expect(visitor.locator('#title-news')).toBeFocused();
  await visitor.keyboard.press('Tab');
  const popup = visitor.waitForEvent('popup');
  await visitor.keyboard.press('Enter');
  await (await popup).close();
  await tabTo(visitor, next);
  await visitor.keyboard.press('Enter');

  // Pictures: checkboxes with their captions as names.
  await expect(visitor.locator('#title-look')).toBeFocused();
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.press('Space');
  await expect(visitor.getByRole('checkbox', { name: 'Blue bowl' })).toBeChecked();
  await tabTo(visitor, next);
  await visitor.keyboard.press('Enter');

  // Contact and address fields, labelled in the survey's language.
  await expect(visitor.locator('#title-you')).toBeFocused();
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.type('Ana');
  await visitor.keyboard.press('Tab');
  await expect(visitor.getByRole('textbox', { name: 'Who are you? البريد الإلكتروني' })).toBeFocused();
  await visitor.keyboard.type('ana@example.com');
  await visitor.keyboard.press('Enter');
  await expect(visitor.locator('#title-home')).toBeFocused();
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.type('Athens');
  await visitor.keyboard.press('Enter');
  await expect(visitor.getByRole('heading', { name: 'شكرًا لك!' })).toBeVisible();
  await context.close();

  const [response] = await responsesOf(page, surveyId);
  expect(response.completed).toBe(true);
  expect(response.answers).toEqual({
    store: 'ath', prio: ['price', 'speed'], grid: { food: 'good', staff: 'bad' }, spent: 12.5, visit: '2026-03-01',
    terms: true, news: 'clicked', look: ['blue'], you: { firstName: 'Ana', email: 'ana@example.com' },
    home: { city: 'Athens' },
  });
});

test('every new question type is answered with JavaScript disabled', async ({ page, browser }) => {
  await signUp(page, 'Plain Types Co');
  const surveyId = await createSurveyViaApi(page, { name: 'Plain types', status: 'published', questions });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await visitor.getByRole('combobox', { name: 'Which store?' }).selectOption('the');
  await visitor.getByRole('combobox', { name: 'What matters most? Place 1' }).selectOption('care');
  await visitor.getByRole('combobox', { name: 'What matters most? Place 2' }).selectOption('price');
  await visitor.getByRole('radiogroup', { name: 'How was it? Food' }).getByRole('radio', { name: 'Bad' }).check();
  await visitor.getByRole('radiogroup', { name: 'How was it? Staff' }).getByRole('radio', { name: 'Good' }).check();
  await visitor.getByRole('spinbutton', { name: 'How much did you spend?' }).fill('40');
  await visitor.getByLabel('When did you visit?').fill('2026-05-02');
  await visitor.getByRole('checkbox', { name: 'You may contact me' }).check();
  await expect(visitor.getByRole('link', { name: 'Read it' })).toHaveAttribute('href', 'https://example.com/news');
  await visitor.getByRole('checkbox', { name: 'Red bowl' }).check();
  await visitor.getByRole('textbox', { name: 'Who are you? Email' }).fill('nikos@example.com');
  await visitor.getByRole('textbox', { name: 'Where do you live? Country' }).fill('Greece');
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await context.close();

  const [response] = await responsesOf(page, surveyId);
  expect(response.answers).toEqual({
    store: 'the', prio: ['care', 'price'], grid: { food: 'bad', staff: 'good' }, spent: 40, visit: '2026-05-02',
    terms: true, look: ['red'], you: { email: 'nikos@example.com' }, home: { country: 'Greece' },
  });

  // The overview draws the matrix as a table and the ranking as places.
  await page.goto(`/dashboard/surveys/${surveyId}`);
  await hydrated(page);
  await expect(page.getByRole('table', { name: 'How was it?' }).getByRole('row', { name: /Food/ })).toContainText('1 (100 %)');
  await expect(page.getByRole('table', { name: 'What matters most?' }).getByRole('row', { name: /Care/ })).toContainText('100 %');
  await expect(page.getByText('mean 40 · median 40')).toBeVisible();
});

test('the builder adds and sets up the new types, with a live preview', async ({ page }) => {
  await signUp(page, 'Builder Types Co');
  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  await page.getByLabel('Survey name', { exact: true }).fill('Built types');
  await page.getByRole('button', { name: 'Add matrix question' }).click();
  await page.getByLabel('Question 1 title', { exact: true }).fill('Rate us');
  await page.getByLabel('Question 1 row 1', { exact: true }).fill('Food');
  await page.getByRole('button', { name: 'Add a row to question 1' }).click();
  await page.getByLabel('Question 1 row 2', { exact: true }).fill('Staff');
  await page.getByRole('button', { name: 'Add number question' }).click();
  await page.getByLabel('Question 2 title', { exact: true }).fill('Guests');
  await page.getByLabel('Question 2 maximum').fill('12');
  await page.getByLabel('Question 2 unit').fill('people');
  await page.getByRole('button', { name: 'Add contact question' }).click();
  await page.getByLabel('Question 3 title', { exact: true }).fill('Your details');
  await page.getByLabel('Show Phone').check();
  await page.getByLabel('Email required').check();

  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByRole('radiogroup', { name: 'Rate us Staff' })).toBeVisible();
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page.getByRole('heading', { name: 'Built types' })).toBeVisible();
  const surveyId = await surveyIdOfPage(page);
  const survey = await (await page.request.get(`/api/surveys/${surveyId}`)).json();
  expect(survey.questions[0].rows.map((r: any) => r.label)).toEqual(['Food', 'Staff']);
  expect(survey.questions[1]).toMatchObject({ type: 'number', max: 12, unit: 'people' });
  expect(survey.questions[2].fields).toEqual([
    { name: 'firstName', required: false }, { name: 'lastName', required: false },
    { name: 'email', required: true }, { name: 'phone', required: false },
  ]);
});

/** The widget's wasm files a visitor's page fetches, by path. */
function wasmFetches(visitor: Page): string[] {
  const fetched: string[] = [];
  visitor.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith('.wasm')) fetched.push(path);
  });
  return fetched;
}

const numberThenText = [
  { id: 'spent', type: 'number', title: 'How much did you spend?', min: 0, max: 1000 },
  { id: 'why', type: 'text', title: 'Why?' },
];

test('the newer controls come as a chunk after the first load, and go live', async ({ page, browser }) => {
  await signUp(page, 'Chunks Co');
  const surveyId = await createSurveyViaApi(page, { name: 'Chunks', status: 'published', questions: numberThenText });
  const context = await browser.newContext();
  const visitor = await context.newPage();
  const fetched = wasmFetches(visitor);
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  expect(fetched).toContain('/pkg/widget/every-type/vox_widget_bg.wasm');
  expect(fetched).toContain('/pkg/widget/every-type/split_vox_controls.wasm');
  expect(fetched).toContain('/pkg/widget/every-type/split_vox_rules.wasm');

  const spent = visitor.getByRole('spinbutton', { name: 'How much did you spend?' });
  await spent.fill('120');
  await visitor.keyboard.press('Enter');
  await expect(visitor.getByRole('textbox', { name: 'Why?' })).toBeVisible();
  // Hydrated by its chunk, the server's box follows the widget's answers: on
  // a new visit it shows the answer kept in the browser (a native box would
  // be empty; a new navigation, not a reload, so the browser restores no form).
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  await visitor.getByRole('button', { name: 'Back' }).click();
  await expect(spent).toHaveValue('120');
  await visitor.getByRole('button', { name: 'Next' }).click();
  await visitor.getByRole('textbox', { name: 'Why?' }).fill('A gift');
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await context.close();
  const [response] = await responsesOf(page, surveyId);
  expect(response.answers).toEqual({ spent: 120, why: 'A gift' });

  // A survey on the every-type bundle (for its pattern) with no newer control
  // fetches the survey's rules but not the controls' chunk.
  const patterned = await createSurveyViaApi(page, { name: 'Codes', status: 'published', questions: [
    { id: 'code', type: 'text', title: 'Order number?', validation: { pattern: '[A-Z]{2}\\d+' } },
  ] });
  const other = await browser.newContext();
  const second = await other.newPage();
  const secondFetched = wasmFetches(second);
  await second.goto(`/s/${patterned}`);
  await hydrated(second);
  expect(secondFetched).toContain('/pkg/widget/every-type/vox_widget_bg.wasm');
  expect(secondFetched).toContain('/pkg/widget/every-type/split_vox_rules.wasm');
  expect(secondFetched).not.toContain('/pkg/widget/every-type/split_vox_controls.wasm');
  // Stepping waits for the rules: the pattern is checked before the step moves on.
  await second.getByRole('textbox', { name: 'Order number?' }).fill('nope');
  await second.getByRole('button', { name: 'Submit' }).click();
  await expect(second.getByRole('alert').filter({ hasText: 'Please use the format asked for.' })).toBeVisible();
  await other.close();
});

test('without the rules\' chunk the survey stays the plain form, and its answers arrive', async ({ page, browser }) => {
  await signUp(page, 'Offline Rules Co');
  const surveyId = await createSurveyViaApi(page, { name: 'No rules', status: 'published', questions: numberThenText });
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.route('**/split_vox_rules.wasm', (route) => route.abort('connectionfailed'));
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  // Both questions show at once, as without JavaScript, and the form posts to the server.
  await expect(visitor.getByRole('textbox', { name: 'Why?' })).toBeVisible();
  await visitor.getByRole('spinbutton', { name: 'How much did you spend?' }).fill('42');
  await visitor.getByRole('textbox', { name: 'Why?' }).fill('Posted plainly');
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await context.close();
  const [response] = await responsesOf(page, surveyId);
  expect(response.answers).toEqual({ spent: 42, why: 'Posted plainly' });
});

test('a control whose code cannot be fetched stays a working native control', async ({ page, browser }) => {
  await signUp(page, 'Offline Chunk Co');
  const surveyId = await createSurveyViaApi(page, { name: 'No chunk', status: 'published', questions: numberThenText });
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.route('**/split_vox_controls.wasm', (route) => route.abort('connectionfailed'));
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  await visitor.getByRole('spinbutton', { name: 'How much did you spend?' }).fill('75');
  await visitor.getByRole('button', { name: 'Next' }).click();
  await visitor.getByRole('textbox', { name: 'Why?' }).fill('Still counted');
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await context.close();
  const [response] = await responsesOf(page, surveyId);
  expect(response.answers).toEqual({ spent: 75, why: 'Still counted' });
});
