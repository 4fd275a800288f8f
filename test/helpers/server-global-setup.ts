import type { TestProject } from 'vitest/node';
import { createLogger } from '../../src/lib/logger.ts';
import { ensureWebBuild } from '../../src/main/web-build.ts';
import { prepareTemplate } from './template.ts';

/** Builds the dashboard once (servers started by tests then find it fresh) and the database template. */
export default async function setup(project: TestProject) {
  await ensureWebBuild(createLogger({ level: 'warn', pretty: false }));
  const { template, cleanup } = await prepareTemplate(project.name);
  project.provide('template', template);
  return cleanup;
}
