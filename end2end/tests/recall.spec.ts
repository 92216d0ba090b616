import { expect, test } from '@playwright/test';
import { createSurveyViaApi, hydrated, responsesOf, signUp } from './helpers';

test('texts recall earlier answers and hidden fields as the visitor answers, as text', async ({ page, browser }) => {
  await signUp(page, 'Recall Taverna');
  const surveyId = await createSurveyViaApi(page, {
    name: 'Dinner', status: 'published', hiddenFields: ['source'],
    thankYou: 'Thanks {{name|friend}}, via {{hidden.source|the web}}',
    questions: [
      { id: 'name', type: 'text', title: 'Your first name' },
      { id: 'dish', type: 'single_choice', title: 'Which dish, {{name|friend}}?',
        choices: [{ id: 'm', label: 'Moussaka' }, { id: 's', label: 'Salad for {{name|you}}' }] },
      { id: 'why', type: 'text', title: 'Why {{dish|that one}}?', description: 'From {{hidden.source|somewhere}}' },
    ],
  });
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}?source=newsletter`);
  await hydrated(visitor);

  await visitor.getByRole('textbox', { name: 'Your first name' }).fill('<i>Ana</i>');
  await visitor.getByRole('button', { name: 'Next' }).click();
  await expect(visitor.getByText('Which dish, <i>Ana</i>?')).toBeVisible();
  await expect(visitor.getByRole('radio', { name: 'Salad for <i>Ana</i>' })).toBeVisible();
  await expect(visitor.locator('i')).toHaveCount(0);

  await visitor.getByRole('radio', { name: 'Moussaka' }).check();
  await visitor.getByRole('button', { name: 'Next' }).click();
  await expect(visitor.getByText('Why Moussaka?')).toBeVisible();
  await expect(visitor.getByText('From newsletter')).toBeVisible();

  // Going back and changing an answer changes what later texts recall.
  await visitor.getByRole('button', { name: 'Back' }).click();
  await visitor.getByRole('radio', { name: 'Salad for <i>Ana</i>' }).check();
  await visitor.getByRole('button', { name: 'Next' }).click();
  await expect(visitor.getByText('Why Salad for <i>Ana</i>?')).toBeVisible();
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect(visitor.getByText('Thanks <i>Ana</i>, via newsletter')).toBeVisible();
  await context.close();

  const responses = await responsesOf(page, surveyId);
  expect(responses[0].answers).toEqual({ name: '<i>Ana</i>', dish: 's' });
});
