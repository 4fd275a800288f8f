import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  analysisPlanSchema,
  listPlansQuerySchema,
  listPlansResponseSchema,
  MAX_UPLOAD_BYTES,
  planDecisionRequestSchema,
  planDecisionResponseSchema,
  uploadPlanResponseSchema,
} from '../../contracts/plans.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import { isAppError } from '../../lib/errors.ts';
import { decidePlan, getPlan, listPlans, type PlanEnqueue, parseChannels, uploadError, uploadPlan } from '../../modules/plans/index.ts';
import type { AppDeps } from '../deps.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const planParams = z.object({ planId: z.uuid({ error: 'planId must be a plan id (UUID)' }) });

const isFastifyCode = (error: unknown, code: string) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

/** Seed 002's analysis plans: upload a report, read plans with their tasks and job history, approve or reject. */
export const plansRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20, parts: 25, fieldSize: 10_000 } });
    const enqueue: PlanEnqueue = (tx, name, payload) => deps.queue.enqueue(name, payload, { tx, orgId: payload.orgId });

    app.post(
      '/api/marketplace/analysis/upload',
      {
        config: { access: 'plans.manage' },
        schema: {
          tags: ['plans'],
          summary: 'Upload a report and start its analysis plan (202)',
          description: [
            'multipart/form-data: `file` (CSV, XLSX, PDF or plain text, at most 20 MB; the type is read from the content, not the name) and `channels`',
            '(repeated, `channels[]`, or comma-separated: amazon, shopee, mercadolivre, shein, tiktokshop, kaway).',
            'Answers 202 with the plan id at once; extraction and analysis run as the `plans.analyze` job (watch `plan.updated` on /api/events).',
            'A rejected file leaves no plan: 400 with `details.reason` `unsupported_file_type`, `empty_file`, `corrupt_file`, `missing_file` or `invalid_channels`;',
            '413 with `file_too_large`.',
          ].join(' '),
          consumes: ['multipart/form-data'],
          response: { 202: uploadPlanResponseSchema, 413: errorBodySchema, ...errors },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw uploadError('missing_file', 'Send the report as multipart/form-data with a `file` part');
        const channels: string[] = [];
        let file: { fileName: string; mimeType: string; content: Buffer } | null = null;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== 'file') {
                await part.toBuffer();
                continue;
              }
              file = { fileName: part.filename, mimeType: part.mimetype, content: await part.toBuffer() };
            } else if (part.fieldname === 'channels' || part.fieldname === 'channels[]') {
              channels.push(String(part.value));
            }
          }
        } catch (error) {
          if (isAppError(error)) throw error;
          if (isFastifyCode(error, 'FST_REQ_FILE_TOO_LARGE'))
            throw uploadError('file_too_large', `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`, { limit: MAX_UPLOAD_BYTES });
          if (isFastifyCode(error, 'FST_FILES_LIMIT')) throw uploadError('unsupported_file_type', 'Upload one file per plan');
          throw uploadError('corrupt_file', `The upload could not be read: ${(error as Error).message}`);
        }
        if (!file) throw uploadError('missing_file', 'No `file` part in the upload');
        const parsed = parseChannels(channels);
        return reply.status(202).send(await uploadPlan(request.ctx, enqueue, { ...file, channels: parsed }));
      },
    );

    app.get(
      '/api/marketplace/analysis',
      {
        config: { access: 'plans.read' },
        schema: {
          tags: ['plans'],
          summary: "The org's analysis plans, newest first",
          description: 'Filter by `status` and `channel`; `limit`/`offset` paging with the `total`. The plan data and history are on GET /:id.',
          querystring: listPlansQuerySchema,
          response: { 200: listPlansResponseSchema, ...errors },
        },
      },
      async (request) => listPlans(request.ctx, request.query),
    );

    app.get(
      '/api/marketplace/analysis/:planId',
      {
        config: { access: 'plans.read' },
        schema: {
          tags: ['plans'],
          summary: 'One analysis plan: plan data, its Phase 1 tasks and job history (seed 002 job_queue_history)',
          description: "Another org's plan answers 404.",
          params: planParams,
          response: { 200: analysisPlanSchema, ...errors },
        },
      },
      async (request) => getPlan(request.ctx, request.params.planId),
    );

    app.patch(
      '/api/marketplace/analysis/:planId',
      {
        config: { access: 'plans.manage' },
        schema: {
          tags: ['plans'],
          summary: 'Approve or reject a ready plan (202)',
          description: [
            '`{ action: "approve" }` moves a ready plan to approved and enqueues `plans.create-tasks` in the same transaction; Phase 1 tasks',
            'are created as the master agent, awaiting approval, exactly once (approving again answers the current status and enqueues nothing).',
            '`{ action: "reject", reason }` needs a reason. A plan that is not ready answers 409 with its status.',
          ].join(' '),
          params: planParams,
          body: planDecisionRequestSchema,
          response: { 202: planDecisionResponseSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(202).send(await decidePlan(request.ctx, enqueue, request.params.planId, request.body)),
    );
  };
