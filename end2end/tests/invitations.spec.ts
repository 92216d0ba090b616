import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { createSurveyViaApi, hydrated, signUp, uniqueEmail } from './helpers';

// The real SMTP server (aiosmtpd) that .ci/e2e.sh starts and points Vox at.
const smtpApi = process.env.VOX_E2E_SMTP_API;

/** Waits for the invitation email to `to` and returns it. */
async function invitationTo(request: APIRequestContext, to: string): Promise<any> {
  let found: any[] = [];
  await expect(async () => {
    const res = await request.get(`${smtpApi}/messages?to=${encodeURIComponent(to)}`);
    found = await res.json();
    expect(found.length).toBeGreaterThan(0);
  }).toPass({ timeout: 20_000 });
  expect(found).toHaveLength(1);
  return found[0];
}

async function statusOf(page: Page, surveyId: string, contactId: string): Promise<string> {
  const res = await page.request.get(`/api/surveys/${surveyId}/responses/bulk-status?contactIds=${contactId}`);
  expect(res.status()).toBe(200);
  return (await res.json()).data[0].status;
}

async function expectStatus(page: Page, surveyId: string, contactId: string, status: string) {
  await expect.poll(() => statusOf(page, surveyId, contactId), { timeout: 20_000 }).toBe(status);
}

test('an event sends an invitation by email; its link is answered and the status follows', async ({ page, browser }) => {
  test.skip(!smtpApi, 'needs the SMTP sink that .ci/e2e.sh starts (VOX_E2E_SMTP_API)');
  await signUp(page, 'Shop with events');
  const surveyId = await createSurveyViaApi(page, {
    name: 'How was your order?', status: 'published',
    questions: [
      { id: 'q1', type: 'nps', title: 'How likely are you to recommend us?', required: true },
      { id: 'q2', type: 'text', title: 'Anything to add?' },
    ],
  });

  // Configure the router in the dashboard: a touchpoint, and its setting sends the survey.
  await page.goto('/dashboard/events');
  await hydrated(page);
  await page.getByLabel('New event type').fill('checkout');
  await page.getByRole('button', { name: 'Add event type' }).click();
  await expect(page.getByRole('cell', { name: 'checkout', exact: true })).toBeVisible();
  const setting = page.getByRole('group', { name: 'checkout' });
  await setting.getByLabel('Survey').selectOption({ label: 'How was your order?' });
  await setting.getByLabel('Active').check();
  await setting.getByRole('button', { name: 'Save setting' }).click();
  await expect(setting.getByText('Saved.')).toBeVisible();

  // The shop sends an event (the e-satisfaction event body).
  const channels = (await (await page.request.get('/api/channels')).json()).data;
  const customer = uniqueEmail('customer');
  const sent = await page.request.post('/api/events', {
    data: {
      type: 'checkout', channel: { id: channels[0].id, type: 'vox' },
      customer: { email: customer, firstName: 'Eleni', lastName: 'K.' },
      transaction: { reference: 'order-1001', date: new Date().toISOString() },
      system: 'shop', systemVersion: '2.1', defaultLocale: 'en_US',
      metadata: { store: 'athens' },
    },
  });
  expect(sent.status()).toBe(202);
  const { EventRef } = await sent.json();

  const email = await invitationTo(page.request, customer);
  expect(email.subject).toBe('How did we do? How was your order?');
  expect(email.text).toContain('Hello Eleni,');
  const link: string = email.text.match(/https?:\/\/\S+\/s\/srv_\S+/)[0];
  const event = await (await page.request.get(`/api/events/${EventRef}`)).json();
  const contactId = event.contactId;
  await expectStatus(page, surveyId, contactId, 'sent');

  // The customer opens the link in their own browser and answers.
  const context = await browser.newContext();
  const customerPage = await context.newPage();
  await customerPage.goto(link);
  await hydrated(customerPage);
  await expectStatus(page, surveyId, contactId, 'opened');
  await customerPage.getByRole('radio', { name: '10', exact: true }).check();
  await customerPage.getByRole('button', { name: 'Next' }).click();
  await expectStatus(page, surveyId, contactId, 'started');
  await customerPage.getByRole('textbox', { name: 'Anything to add?' }).fill('Quick delivery');
  await customerPage.getByRole('button', { name: 'Submit' }).click();
  await expect(customerPage.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await context.close();
  await expectStatus(page, surveyId, contactId, 'completed');

  const responses = (await (await page.request.get(`/api/surveys/${surveyId}/responses`)).json()).data;
  expect(responses).toHaveLength(1);
  expect(responses[0].contactId).toBe(contactId);
  expect(responses[0].metadata).toMatchObject({ transactionReference: 'order-1001', store: 'athens', eventType: 'checkout' });

  // The dashboard shows the event's outcome, the contact and the email in the outbox.
  await page.goto('/dashboard/events');
  await hydrated(page);
  const row = page.getByRole('row').filter({ hasText: 'order-1001' });
  await expect(row.getByText('sent', { exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Contacts' }).click();
  await hydrated(page);
  await expect(page.locator('table.contacts').getByRole('cell', { name: customer, exact: true })).toBeVisible();
  const message = page.getByRole('row').filter({ hasText: customer }).filter({ hasText: 'How did we do?' });
  await message.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByRole('article', { name: 'Email preview' })).toContainText('How did we do? How was your order?');

  // The survey's page lists the invitation and how far it got.
  await page.goto(`/dashboard/surveys/${surveyId}`);
  await hydrated(page);
  const invitation = page.getByRole('region', { name: 'Invitations' }).getByRole('row').filter({ hasText: customer });
  await expect(invitation).toContainText('completed');
  await expect(invitation).toContainText('event');

  // The same transaction again: accepted, but the customer is not invited twice.
  const again = await page.request.post('/api/events', {
    data: {
      type: 'checkout', channel: { id: channels[0].id }, customer: { email: customer },
      transaction: { reference: 'order-1001' }, system: 'shop', systemVersion: '2.1',
    },
  });
  expect(again.status()).toBe(202);
  const duplicate = (await again.json()).EventRef;
  await expect.poll(async () => (await (await page.request.get(`/api/events/${duplicate}`)).json()).processing.status,
    { timeout: 20_000 }).toBe('skipped');
  const after = await page.request.get(`${smtpApi}/messages?to=${encodeURIComponent(customer)}`);
  expect(await after.json()).toHaveLength(1);
});

test('contacts are sent a survey from the dashboard', async ({ page }) => {
  test.skip(!smtpApi, 'needs the SMTP sink that .ci/e2e.sh starts (VOX_E2E_SMTP_API)');
  await signUp(page, 'Clinic');
  await createSurveyViaApi(page, {
    name: 'Your visit', status: 'published',
    questions: [{ id: 'q1', type: 'csat', title: 'How satisfied were you?', required: true }],
  });
  const patient = uniqueEmail('patient');
  await page.goto('/dashboard/contacts');
  await hydrated(page);
  await page.getByLabel('Email').fill(patient);
  await page.getByLabel('First name').fill('Nikos');
  await page.getByRole('button', { name: 'Save contact' }).click();
  await expect(page.locator('table.contacts').getByRole('cell', { name: patient, exact: true })).toBeVisible();
  await page.getByRole('checkbox', { name: `Send to ${patient}` }).check();
  await page.getByLabel('Send survey').selectOption({ label: 'Your visit' });
  await page.getByRole('button', { name: 'Send to 1 selected' }).click();
  await expect(page.getByText('1 invitation(s) on their way')).toBeVisible();
  const email = await invitationTo(page.request, patient);
  expect(email.text).toContain('Hello Nikos,');
  expect(email.headers['List-Unsubscribe']).toContain('/u/con_');
});
