import { expect, test } from '@playwright/test';
import { createSurveyViaApi, hydrated, responsesOf, signUp } from './helpers';

test('the builder sets validation rules and explains a pattern it cannot use', async ({ page }) => {
  await signUp(page, 'Rules Builder Co');
  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  await page.getByLabel('Survey name', { exact: true }).fill('Orders');
  await page.getByRole('button', { name: 'Add text question' }).click();
  await page.getByLabel('Question 1 title', { exact: true }).fill('Your order number');
  await page.getByLabel('Question 1 minimum length').fill('5');
  await page.getByLabel('Question 1 minimum length').blur();
  await page.getByLabel('Question 1 pattern (optional)').fill('[A-Z{2}');
  await expect(page.getByRole('alert').filter({ hasText: 'This pattern cannot be used' })).toBeVisible();
  await page.getByLabel('Question 1 pattern (optional)').fill('[A-Z]{2}\\d+');
  await expect(page.getByText('This pattern cannot be used')).toHaveCount(0);

  // The live preview is the widget: it already applies the rules, in Vox's
  // words until the author gives their own.
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await preview.getByLabel('Your order number').fill('ab');
  await preview.getByRole('button', { name: 'Submit' }).click();
  await expect(preview.getByText('Please use at least 5 characters.')).toBeVisible();
  await page.getByLabel('Question 1 message when a rule is broken (optional)').fill('Order numbers look like AB123');
  await preview.getByLabel('Your order number').fill('ab');
  await preview.getByRole('button', { name: 'Submit' }).click();
  await expect(preview.getByRole('alert').filter({ hasText: 'Order numbers look like AB123' })).toBeVisible();

  await page.getByRole('button', { name: 'Save and publish' }).click();
  await page.waitForURL(/\/dashboard\/surveys\/srv_[0-9a-z]+$/);
  const surveyId = page.url().split('/').pop()!;
  const saved = await (await page.request.get(`/api/surveys/${surveyId}`)).json();
  expect(saved.questions[0].validation).toEqual({ minLength: 5, pattern: '[A-Z]{2}\\d+', message: 'Order numbers look like AB123' });
});

const questions = [
  { id: 'order', type: 'text', title: 'Bestellnummer', required: true,
    validation: { minLength: 5, pattern: '[A-Z]{2}\\d+' } },
  { id: 'likes', type: 'multiple_choice', title: 'Höchstens zwei', required: true,
    choices: [{ id: 'a', label: 'Alpha' }, { id: 'b', label: 'Beta' }, { id: 'c', label: 'Gamma' }],
    validation: { maxChoices: 2, message: 'Zwei genügen' } },
];

test('the widget says which rule an answer breaks, in the visitor\'s language, with the keyboard alone', async ({ page, browser }) => {
  await signUp(page, 'Rules Widget Co');
  const surveyId = await createSurveyViaApi(page, { name: 'Bestellung', status: 'published', defaultLanguage: 'de', questions });
  const context = await browser.newContext({ locale: 'de-DE' });
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);

  const order = visitor.getByRole('textbox', { name: 'Bestellnummer' });
  const next = visitor.getByRole('button', { name: 'Weiter' });
  await order.focus();
  await visitor.keyboard.type('AB12');
  await next.press('Enter');
  await expect(visitor.getByRole('alert').filter({ hasText: 'Bitte mindestens 5 Zeichen eingeben.' })).toBeVisible();
  await order.press('End');
  await visitor.keyboard.type('x');
  await next.press('Enter');
  await expect(visitor.getByText('Bitte das verlangte Format verwenden.')).toBeVisible();
  await order.fill('');
  await order.focus();
  await visitor.keyboard.type('AB123');
  await next.press('Enter');

  // Three choices where two is the most: the author's own message.
  await expect(visitor.locator('#title-likes')).toBeFocused();
  for (const name of ['Alpha', 'Beta', 'Gamma']) {
    await visitor.getByRole('checkbox', { name }).press('Space');
  }
  await visitor.getByRole('button', { name: 'Absenden' }).press('Enter');
  await expect(visitor.getByRole('alert').filter({ hasText: 'Zwei genügen' })).toBeVisible();
  await visitor.getByRole('checkbox', { name: 'Gamma' }).uncheck();
  await visitor.getByRole('button', { name: 'Absenden' }).click();
  await expect(visitor.getByRole('heading', { name: 'Vielen Dank!' })).toBeVisible();
  await context.close();

  const responses = await responsesOf(page, surveyId);
  expect(responses[0].answers).toEqual({ order: 'AB123', likes: ['a', 'b'] });
});

test('without JavaScript, the page comes back saying which rule broke', async ({ page, browser }) => {
  await signUp(page, 'Rules NoJS Co');
  const surveyId = await createSurveyViaApi(page, { name: 'Bestellung', status: 'published', defaultLanguage: 'de', questions });
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'de-DE' });
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await visitor.getByRole('textbox', { name: 'Bestellnummer' }).fill('ab123');
  for (const name of ['Alpha', 'Beta', 'Gamma']) {
    await visitor.getByRole('checkbox', { name }).check();
  }
  await visitor.getByRole('button', { name: 'Absenden' }).click();
  await expect(visitor).toHaveURL(/invalid=/);
  await expect(visitor.getByText('Bitte das verlangte Format verwenden.')).toBeVisible();
  await expect(visitor.getByText('Zwei genügen')).toBeVisible();

  await visitor.getByRole('textbox', { name: 'Bestellnummer' }).fill('XY987');
  await visitor.getByRole('checkbox', { name: 'Alpha' }).check();
  await visitor.getByRole('button', { name: 'Absenden' }).click();
  await expect(visitor.getByRole('heading', { name: 'Vielen Dank!' })).toBeVisible();
  await context.close();
  expect((await responsesOf(page, surveyId))[0].answers).toEqual({ order: 'XY987', likes: ['a'] });
});
