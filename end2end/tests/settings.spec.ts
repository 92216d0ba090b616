import { test, expect } from '@playwright/test';
import { createSurveyViaApi, hydrated, signUp } from './helpers';

// The real SMTP server (aiosmtpd) that .ci/e2e.sh starts.
const smtpApi = process.env.VOX_E2E_SMTP_API;
const smtpPort = process.env.VOX_E2E_SMTP_PORT;

test("an organisation's own mail server sends its messages, and can be removed again", async ({ page }) => {
  test.skip(!smtpApi || !smtpPort, 'needs the SMTP sink that .ci/e2e.sh starts');
  const email = await signUp(page, 'Own Mail Co');
  await page.goto('/dashboard/settings');
  await hydrated(page);
  const mail = page.getByRole('region', { name: 'Email' });
  await expect(mail.getByText("No mail server of your own: invitations go through this Vox server's mail server")).toBeVisible();

  await mail.getByLabel('Mail server').fill('127.0.0.1');
  await mail.getByLabel('Port').fill(smtpPort!);
  await mail.getByLabel('Security').selectOption('none');
  // A bad sender is named, and nothing is saved.
  await mail.getByLabel('Sender').fill('not an address');
  await mail.getByRole('button', { name: 'Save mail server' }).click();
  await expect(mail.getByRole('alert')).toContainText('from: not an email address');
  await mail.getByLabel('Sender').fill('Own Mail <hello@ownmail.example>');
  await mail.getByRole('button', { name: 'Save mail server' }).click();
  await expect(mail.getByText('Mail server saved.')).toBeVisible();
  await expect(
    mail.getByText(`Invitations go through 127.0.0.1:${smtpPort} (not encrypted), from Own Mail <hello@ownmail.example>.`),
  ).toBeVisible();

  await mail.getByLabel('Send a test message to').fill(email);
  await mail.getByRole('button', { name: 'Send test message' }).click();
  await expect(mail.getByText(/^Sent: the mail server accepted a message/)).toBeVisible();
  const received = await (await page.request.get(`${smtpApi}/messages?to=${encodeURIComponent(email)}`)).json();
  expect(received.map((m: any) => [m.subject, m.from])).toContainEqual(['Vox test message', 'hello@ownmail.example']);

  // Kept across visits.
  await page.reload();
  await hydrated(page);
  await expect(mail.getByLabel('Mail server')).toHaveValue('127.0.0.1');
  await expect(mail.getByLabel('Security')).toHaveValue('none');

  await mail.getByRole('button', { name: "Use the server's default" }).click();
  await expect(mail.getByText(/^No mail server of your own/)).toBeVisible();
  const res = await page.request.get('/api/settings/smtp');
  expect(res.status()).toBe(404);
});

test("the organisation's allowed sites are checked, saved and shown on every survey", async ({ page }) => {
  await signUp(page, 'Many Sites Co');
  const surveyId = await createSurveyViaApi(page, {
    name: 'No sites of its own',
    status: 'published',
    questions: [{ id: 'q1', type: 'nps', title: 'Recommend us?' }],
  });
  await page.goto(`/dashboard/surveys/${surveyId}`);
  await hydrated(page);
  await expect(page.getByText(/^No site may show this survey yet/)).toBeVisible();

  await page.goto('/dashboard/settings');
  await hydrated(page);
  const sites = page.getByRole('region', { name: 'Allowed sites' });
  await sites.getByLabel('Sites').fill('https://shop.example.com\nnot a site');
  await sites.getByRole('button', { name: 'Save sites' }).click();
  await expect(sites.getByRole('alert')).toContainText('allowedOrigins[1]');
  await sites.getByLabel('Sites').fill('HTTPS://Shop.Example.com/\nhttps://*.brand.gr');
  await sites.getByRole('button', { name: 'Save sites' }).click();
  await expect(sites.getByText('Sites saved.')).toBeVisible();
  await expect(sites.getByLabel('Sites')).toHaveValue('https://shop.example.com\nhttps://*.brand.gr');

  await page.goto(`/dashboard/surveys/${surveyId}`);
  await hydrated(page);
  await expect(page.getByText('Allowed sites: https://shop.example.com, https://*.brand.gr')).toBeVisible();
});
