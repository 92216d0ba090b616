import { test, expect } from '@playwright/test';
import * as http from 'http';
import { AddressInfo } from 'net';
import { Webhook } from 'standardwebhooks';
import { hydrated, signUp } from './helpers';

/** A real receiver on localhost that records what Vox sends. */
async function startReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => server.close() };
}

test('a webhook is added in the dashboard, tested, logged and retried', async ({ page }) => {
  const receiver = await startReceiver();
  try {
    await signUp(page, 'Hooked Inc');
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await hydrated(page);
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = page.getByRole('textbox', { name: 'Signing secret' });
    await expect(secret).toBeVisible();
    const secretValue = await secret.inputValue();
    expect(secretValue).toMatch(/^whsec_/);
    await expect(page.getByRole('link', { name: receiver.url })).toBeVisible();

    await page.getByRole('link', { name: 'Open the webhook' }).click();
    await hydrated(page);
    await expect(page.getByRole('heading', { name: receiver.url })).toBeVisible();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(() => receiver.received.length).toBeGreaterThanOrEqual(1);
    const first = receiver.received[0];
    expect(JSON.parse(first.body).test).toBe(true);
    expect(first.headers['webhook-signature']).toMatch(/^v1,/);
    expect(first.headers['x-vox-signature']).toMatch(/^[0-9a-f]{64}$/);
    // The reference Standard Webhooks library (npm) accepts the delivery.
    const verified = new Webhook(secretValue).verify(first.body, {
      'webhook-id': String(first.headers['webhook-id']),
      'webhook-timestamp': String(first.headers['webhook-timestamp']),
      'webhook-signature': String(first.headers['webhook-signature']),
    });
    expect((verified as { test: boolean }).test).toBe(true);

    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(page.getByRole('cell', { name: 'delivered' })).toBeVisible({ timeout: 1000 });
    }).toPass();
    await page.getByRole('button', { name: 'Details' }).click();
    await expect(page.getByText('HTTP 200')).toBeVisible();

    await page.getByRole('button', { name: /^Retry delivery del_/ }).click();
    await expect.poll(() => receiver.received.length).toBeGreaterThanOrEqual(2);
    expect(receiver.received[1].headers['webhook-id']).toBe(first.headers['webhook-id']);

    // Edit: subscribe to one event only.
    await page.getByText('Edit URL and events').click();
    await page.getByLabel('All events, including future ones').uncheck();
    await page.getByRole('checkbox', { name: 'survey.closed' }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('Events: survey.closed')).toBeVisible();

    await page.getByRole('button', { name: 'Disable' }).click();
    await expect(page.getByRole('button', { name: 'Enable' })).toBeVisible();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await expect(page).toHaveURL(/\/dashboard\/webhooks$/);
    await expect(page.getByText('No webhooks yet.')).toBeVisible();
  } finally {
    receiver.close();
  }
});
