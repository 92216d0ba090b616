import { expect, Page, test } from '@playwright/test';
import { createSurveyViaApi, hydrated, signUp } from './helpers';

const questions = [
  { id: 'q1', type: 'nps', title: 'How likely are you to recommend us?', required: true },
  { id: 'q2', type: 'text', title: 'Why?' },
];

async function respond(page: Page, surveyId: string, answers: object): Promise<string> {
  const res = await page.request.post(`/api/client/surveys/${surveyId}/responses`, { data: { answers } });
  expect(res.status()).toBe(201);
  return (await res.json()).id;
}

test('tags are made in settings, put on the filtered detractors at once, filter the survey, and a note is kept', async ({ page }) => {
  const email = await signUp(page, 'Follow Up Co');
  const surveyId = await createSurveyViaApi(page, { name: 'After the visit', status: 'published', questions });
  const detractor = await respond(page, surveyId, { q1: 2, q2: 'Cold <i>food</i>' });
  await respond(page, surveyId, { q1: 4 });
  await respond(page, surveyId, { q1: 10 });

  // Settings → Tags.
  await page.goto('/dashboard/settings');
  await hydrated(page);
  const tags = page.getByRole('region', { name: 'Tags' });
  await tags.getByLabel('New tag').fill('call back');
  await tags.getByRole('button', { name: 'Add tag' }).click();
  await expect(tags.getByText('0 responses')).toBeVisible();
  await tags.getByLabel('New tag').fill('<b>vip</b>');
  await tags.getByRole('button', { name: 'Add tag' }).click();
  // A name is text, never markup.
  await expect(tags.locator('.tag', { hasText: '<b>vip</b>' })).toBeVisible();
  await tags.getByLabel('New tag').fill('Call Back');
  await tags.getByRole('button', { name: 'Add tag' }).click();
  await expect(tags.getByText('a tag named "Call Back" exists already')).toBeVisible();

  // The detractors, tagged all at once from the filtered list.
  await page.goto(`/dashboard/surveys/${surveyId}?answer.q1=lte%3A6`);
  await hydrated(page);
  const responses = page.getByRole('region', { name: 'Responses' });
  await expect(responses.getByText('2 responses', { exact: true })).toBeVisible();
  const bulk = responses.getByRole('group', { name: 'Tag the responses that match the filter' });
  await bulk.getByLabel('Tag').selectOption({ label: 'call back' });
  await bulk.getByRole('button', { name: 'Add to all 2 responses' }).click();
  await expect(bulk.getByRole('status')).toHaveText('2 matched: tag added to 2, removed from 0');
  await expect(responses.locator('td .tag', { hasText: 'call back' })).toHaveCount(2);

  // The tag is a filter of the whole page.
  await page.goto(`/dashboard/surveys/${surveyId}`);
  await hydrated(page);
  await page.getByRole('form', { name: 'Filters' }).getByLabel('Tag').selectOption({ label: 'call back' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/tag=call\+back|tag=call%20back/);
  await hydrated(page);
  await expect(page.locator('[data-figure="responses"]')).toHaveText('2');
  const csvHref = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
  const csv = (await (await page.request.get(csvHref!)).text()).trim().split('\r\n');
  expect(csv).toHaveLength(3);
  expect(csv[0].endsWith(",tags")).toBe(true);
  expect(csv.slice(1).every((line) => line.endsWith(",call back"))).toBe(true);

  // One response: a tag taken off and another put on; a note written and edited.
  await page.goto(`/dashboard/responses/${detractor}`);
  await hydrated(page);
  const onResponse = page.getByRole('region', { name: 'Tags' });
  await onResponse.getByRole('button', { name: 'Remove tag call back' }).click();
  await expect(onResponse.getByText('No tags.')).toBeVisible();
  await onResponse.getByLabel('Add a tag').selectOption({ label: '<b>vip</b>' });
  await onResponse.getByRole('button', { name: 'Add tag' }).click();
  await expect(onResponse.locator('.tag', { hasText: '<b>vip</b>' })).toBeVisible();

  const notes = page.getByRole('region', { name: 'Notes' });
  await notes.getByLabel('New note').fill('Called back, <script>voucher</script> sent.');
  await notes.getByRole('button', { name: 'Add note' }).click();
  await expect(notes.getByText('Called back, <script>voucher</script> sent.')).toBeVisible();
  await expect(notes.getByText(email)).toBeVisible();
  await notes.getByRole('button', { name: 'Edit' }).click();
  await notes.getByLabel('Edit note').fill('Voucher used.');
  await notes.getByRole('button', { name: 'Save note' }).click();
  await expect(notes.getByText('Voucher used.')).toBeVisible();
  await expect(notes.getByText(/\(edited /)).toBeVisible();

  // What the API says agrees.
  const stored = await (await page.request.get(`/api/responses/${detractor}`)).json();
  expect(stored.tags).toEqual(['<b>vip</b>']);
  const written = await (await page.request.get(`/api/responses/${detractor}/notes`)).json();
  expect(written.map((n: any) => n.body)).toEqual(['Voucher used.']);
});
