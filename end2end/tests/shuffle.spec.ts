import { expect, Page, test } from '@playwright/test';
import { createSurveyViaApi, hydrated, responsesOf, signUp, surveyIdOfPage } from './helpers';

const fruits = ['Apple', 'Banana', 'Cherry', 'Damson', 'Elderberry', 'Fig', 'Grape', 'Honeydew', 'Kiwi', 'Lemon'];
const site = process.env.VOX_E2E_SITE_URL ?? 'http://127.0.0.1:3108';

/** The radio labels of the question, in the order the page shows them. */
async function shownOrder(page: Page): Promise<string[]> {
  return page.locator('fieldset label').allInnerTexts().then((all) => all.map((t) => t.trim()).filter((t) => t));
}

test('the builder shuffles choices with one kept in place; each visitor keeps one order, with and without JavaScript', async ({ page, browser }) => {
  await signUp(page, 'Shuffle Orchard');
  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  await page.getByLabel('Survey name', { exact: true }).fill('Fruit');
  await page.getByRole('button', { name: 'Add single choice question' }).click();
  await page.getByLabel('Question 1 title', { exact: true }).fill('Favourite fruit?');
  // A new choice question starts with two choices.
  for (let i = 0; i < fruits.length + 1; i++) {
    if (i >= 2) await page.getByRole('button', { name: 'Add a choice to question 1' }).click();
    await page.getByLabel(`Question 1 choice ${i + 1}`, { exact: true }).fill(i < fruits.length ? fruits[i] : 'None of these');
  }
  // "Keep in place" appears once the question shuffles.
  await expect(page.getByLabel('Keep choice 11 in place')).toBeHidden();
  await page.getByLabel('Question 1 shows its choices in a random order (the same for each respondent)').check();
  await page.getByLabel('Keep choice 11 in place').check();
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page.getByText('published', { exact: true })).toBeVisible();
  const surveyId = await surveyIdOfPage(page);
  const stored = await (await page.request.get(`/api/surveys/${surveyId}`)).json();
  expect(stored.questions[0].shuffle).toBe(true);
  expect(stored.questions[0].choices.map((c: any) => c.label)).toEqual([...fruits, 'None of these']);
  expect(stored.questions[0].choices[10].anchored).toBe(true);

  // With JavaScript: the hydrated widget shows the server's order, and a reload keeps it.
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(`/s/${surveyId}`);
  await hydrated(visitor);
  const order = await shownOrder(visitor);
  expect(order).toHaveLength(11);
  expect(order[10]).toBe('None of these');
  expect([...order.slice(0, 10)].sort()).toEqual(fruits);
  expect(order.slice(0, 10), 'ten choices left in order: 1 in 3.6 million').not.toEqual(fruits);
  await visitor.reload();
  await hydrated(visitor);
  expect(await shownOrder(visitor)).toEqual(order);

  // Answered with the keyboard alone: the first radio gets focus, arrows move through the shown order.
  await visitor.getByRole('radio', { name: order[0], exact: true }).focus();
  await visitor.keyboard.press('ArrowDown');
  await expect(visitor.getByRole('radio', { name: order[1], exact: true })).toBeChecked();
  await visitor.keyboard.press('Tab');
  await visitor.keyboard.press('Enter');
  await expect(visitor.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await context.close();
  const id = stored.questions[0].choices.find((c: any) => c.label === order[1]).id;
  expect((await responsesOf(page, surveyId))[0].answers).toEqual({ q1: id });

  // Without JavaScript: the same order on every load for this visitor too.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const noJs = await plain.newPage();
  await noJs.goto(`/s/${surveyId}`);
  const plainOrder = await shownOrder(noJs);
  await noJs.goto(`/s/${surveyId}`);
  expect(await shownOrder(noJs)).toEqual(plainOrder);
  expect(plainOrder[10]).toBe('None of these');
  await noJs.getByRole('radio', { name: plainOrder[0], exact: true }).check();
  await noJs.getByRole('button', { name: 'Submit' }).click();
  await expect(noJs.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await plain.close();
  expect((await responsesOf(page, surveyId)).length).toBe(2);
});

test('an embedded survey keeps its order across visits through the loader, in a right-to-left language', async ({ page, browser, baseURL }) => {
  await signUp(page, 'Shuffle Shop');
  const choices = fruits.map((label, i) => ({ id: `f${i}`, label }));
  const surveyId = await createSurveyViaApi(page, {
    name: 'Fruit', status: 'published', defaultLanguage: 'he',
    questions: [{ id: 'q1', type: 'single_choice', title: 'איזה פרי?', shuffle: true, choices }],
    embed: { allowedOrigins: [site], placement: 'inline', trigger: { kind: 'load' } },
  });
  const context = await browser.newContext();
  const shop = await context.newPage();
  const open = async () => {
    await shop.goto(`${site}/index.html?vox=${encodeURIComponent(baseURL!)}&survey=${surveyId}&target=${encodeURIComponent('#feedback')}`);
    const frame = shop.frameLocator('iframe[title="Fruit"]');
    await expect(frame.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await expect(frame.locator('html')).toHaveAttribute('dir', 'rtl');
    return frame.locator('fieldset label').allInnerTexts();
  };
  const first = await open();
  const seed = await shop.evaluate(() => localStorage.getItem('vox:seed'));
  expect(seed).toMatch(/^[0-9]{13}$/);
  expect(await shop.locator('iframe[title="Fruit"]').getAttribute('src')).toContain(`seed=${seed}`);
  expect(await open()).toEqual(first);
  await context.close();
});
