import { APIRequestContext, expect, Page } from '@playwright/test';
import { createHmac } from 'node:crypto';

/** Waits until the page's wasm has hydrated it (clicks before that are lost). */
export async function hydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Signs up through the dashboard's form and lands on the survey list. */
export async function signUp(page: Page, organisation: string): Promise<string> {
  const email = uniqueEmail('owner');
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Organisation name').fill(organisation);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Surveys' })).toBeVisible();
  return email;
}

/** Builds and publishes a survey with an NPS and a free-text question; returns its id. */
export async function createPublishedSurvey(page: Page, name: string): Promise<string> {
  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  await page.getByLabel('Survey name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Add NPS question' }).click();
  await page.getByLabel('Question 1 title', { exact: true }).fill('How likely are you to recommend us to a friend?');
  await page.getByRole('button', { name: 'Add text question' }).click();
  await page.getByLabel('Question 2 title', { exact: true }).fill('What should we improve?');
  await page.getByLabel('Question 2 required').uncheck();
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByText('published', { exact: true })).toBeVisible();
  return await surveyIdOfPage(page);
}

/**
 * The id of the survey the dashboard has navigated to after "Save and publish". Waits for the address: the
 * builder's own preview can show the survey's name before the navigation happens.
 */
export async function surveyIdOfPage(page: Page): Promise<string> {
  const surveyPage = /\/dashboard\/surveys\/(srv_[0-9a-z]+)$/;
  await expect(page).toHaveURL(surveyPage);
  return page.url().match(surveyPage)![1];
}

/** Creates a survey through the REST API with the dashboard session of `page`; returns its id. */
export async function createSurveyViaApi(page: Page, body: object): Promise<string> {
  const res = await page.request.post('/api/surveys', { data: body });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

/** The survey's responses as the REST API returns them (dashboard session). */
export async function responsesOf(page: Page, surveyId: string): Promise<any[]> {
  const res = await page.request.get(`/api/surveys/${surveyId}/responses`);
  expect(res.status()).toBe(200);
  return (await res.json()).data;
}

/** The SMTP sink that .ci/e2e.sh starts (aiosmtpd) and points Vox at. */
export const smtpApi = process.env.VOX_E2E_SMTP_API;

/** The link with path `prefix` (e.g. `/reset-password/`) in the first email to `to` that has one,
 *  waiting for it; other mail to the address (a sign-up's confirmation) is passed over. */
export async function linkTo(request: APIRequestContext, to: string, prefix: string): Promise<string> {
  let link = '';
  await expect(async () => {
    const res = await request.get(`${smtpApi}/messages?to=${encodeURIComponent(to)}`);
    const found = ((await res.json()) as any[]).find((m) => (m.text as string).includes(prefix));
    expect(found, `an email to ${to} with a ${prefix} link`).toBeTruthy();
    link = linkIn(found, prefix);
  }).toPass({ timeout: 20_000 });
  return link;
}

/** The first link in an email's text whose path starts with `prefix` (e.g. `/join/`). */
export function linkIn(message: any, prefix: string): string {
  const match = (message.text as string).match(new RegExp(`https?://\\S+${prefix.replace(/\//g, '\\/')}\\S*`));
  expect(match, `a ${prefix} link in ${message.text}`).not.toBeNull();
  return match![0];
}

/** The authenticator code for a base32 secret now (RFC 6238, with Node's own crypto). */
export function totp(secretBase32: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const hash = createHmac('sha1', bytes).update(counter).digest();
  const offset = hash[hash.length - 1] & 0x0f;
  const value = (hash.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}
