import { expect, test } from '@playwright/test';
import { hydrated, signUp } from './helpers';

test('a template in Greek becomes a survey in Greek that also speaks English and Arabic', async ({ page, browser }) => {
  await signUp(page, 'Template Taverna');
  const greek = (await (await page.request.get('/api/survey-templates?language=el')).json()).data;
  expect(greek).toHaveLength(6);
  const nps = greek.find((t: any) => t.id === 'nps-follow-up');

  await page.getByRole('link', { name: 'New survey' }).click();
  await hydrated(page);
  const picker = page.locator('details.templates');
  await picker.getByLabel('Template language').selectOption('el');
  await expect(picker.getByRole('heading', { name: nps.title })).toBeVisible();
  await expect(picker.getByText(nps.summary)).toBeVisible();
  await picker.getByRole('button', { name: `Use the template ${nps.title}` }).click();

  // The builder opens the new draft, its texts in Greek.
  await expect(page).toHaveURL(/\/dashboard\/surveys\/srv_[0-9a-z]+\/edit$/);
  await hydrated(page);
  const surveyId = page.url().match(/(srv_[0-9a-z]+)/)![1];
  const survey = await (await page.request.get(`/api/surveys/${surveyId}`)).json();
  expect(survey.defaultLanguage).toBe('el');
  expect(survey.status).toBe('draft');
  await expect(page.getByLabel('Question 1 title', { exact: true })).toHaveValue(survey.questions[0].title);
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page.getByText('published', { exact: true })).toBeVisible();

  // Visitors get Greek by default, English and Arabic (right to left) when their browser asks.
  for (const [locale, language, dir] of [['el-GR', 'el', 'ltr'], ['en-US', 'en', 'ltr'], ['ar', 'ar', 'rtl']]) {
    const context = await browser.newContext({ locale });
    const visitor = await context.newPage();
    await visitor.goto(`/s/${surveyId}`);
    await hydrated(visitor);
    await expect(visitor.locator('html')).toHaveAttribute('lang', language);
    await expect(visitor.locator('html')).toHaveAttribute('dir', dir);
    const title = language === 'el' ? survey.questions[0].title : survey.translations[language].questions[survey.questions[0].id].title;
    await expect(visitor.getByText(title)).toBeVisible();
    await context.close();
  }
});
