import type { TestProject } from 'vitest/node';
import { prepareTemplate } from './template.ts';

export default async function setup(project: TestProject) {
  const { template, cleanup } = await prepareTemplate('int');
  project.provide('template', template);
  return cleanup;
}
