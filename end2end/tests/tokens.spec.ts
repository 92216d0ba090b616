import { test, expect } from '@playwright/test';
import { hydrated, signUp } from './helpers';

test('an API token is created in the dashboard, shown once, works, and stops working when revoked', async ({ page, request }) => {
  await signUp(page, 'Token Works');
  await page.getByRole('link', { name: 'API tokens' }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Authentication Tokens' })).toBeVisible();

  await page.getByLabel('Title').fill('CRM sync');
  await page.getByRole('checkbox', { name: /surveys:read/ }).check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const tokenField = page.getByRole('textbox', { name: 'New API token' });
  await expect(tokenField).toBeVisible();
  const jwt = await tokenField.inputValue();
  expect(jwt.split('.')).toHaveLength(3);
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();

  const row = page.getByRole('row').filter({ hasText: 'CRM sync' });
  await expect(row.getByText('active')).toBeVisible();
  await expect(row.getByText('surveys:read')).toBeVisible();

  const call = () => request.get('/api/surveys', { headers: { Authorization: `Bearer ${jwt}` } });
  expect((await call()).status()).toBe(200);
  const forbidden = await request.post('/api/surveys', {
    headers: { Authorization: `Bearer ${jwt}` }, data: { name: 'x', questions: [] },
  });
  expect(forbidden.status()).toBe(403);

  // Shown once: a reload lists the token but never shows it again.
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('textbox', { name: 'New API token' })).toHaveCount(0);
  expect(await page.content()).not.toContain(jwt);

  await page.getByRole('button', { name: 'Revoke CRM sync' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'CRM sync' }).getByText('revoked')).toBeVisible();
  expect((await call()).status()).toBe(401);
});
