import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  alertRuleSchema,
  alertRulesResponseSchema,
  alertSchema,
  alertsQuerySchema,
  alertsResponseSchema,
  channelSchema,
  channelsResponseSchema,
  createChannelRequestSchema,
  createChannelResponseSchema,
  deliveriesResponseSchema,
  deliverySchema,
  updateAlertRuleRequestSchema,
  updateChannelRequestSchema,
} from '../../contracts/alerts.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import { isAppError } from '../../lib/errors.ts';
import {
  acknowledgeAlert,
  createChannel,
  deleteChannel,
  getChannel,
  listAlertRules,
  listAlerts,
  listChannels,
  listDeliveries,
  type NotifyDeps,
  testChannel,
  updateAlertRule,
  updateChannel,
} from '../../modules/alerts/index.ts';
import type { AppDeps } from '../deps.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const alertParams = z.object({ alertId: z.uuid({ error: 'alertId must be a UUID' }) });
const ruleParams = z.object({ ruleId: z.uuid({ error: 'ruleId must be a UUID' }) });
const channelParams = z.object({ channelId: z.uuid({ error: 'channelId must be a UUID' }) });

/** Alerts, alert rules, notification channels and their delivery logs: all scoped to the caller's org. */
export const alertsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const notify: NotifyDeps = {
      secretKey: deps.auth.secretKey,
      allowPrivateTargets: deps.config.notifications.allowPrivateTargets,
      mail: { from: deps.config.mail.from, smtpUrl: deps.config.mail.smtpUrl },
      log: deps.log.child({ component: 'notifications' }),
    };

    app.get(
      '/api/alerts',
      {
        config: { access: 'alerts.read' },
        schema: {
          tags: ['alerts'],
          summary: 'Alerts of the org (default: active ones, open and acknowledged)',
          description:
            'Alerts open when a rule is breached, stay deduplicated (one active alert per rule and subject) and resolve by themselves when the condition clears.',
          querystring: alertsQuerySchema,
          response: { 200: alertsResponseSchema, ...errors },
        },
      },
      async (request) => ({ alerts: await listAlerts(request.ctx, request.query) }),
    );

    app.post(
      '/api/alerts/:alertId/acknowledge',
      {
        config: { access: 'alerts.acknowledge' },
        schema: {
          tags: ['alerts'],
          summary: 'Acknowledge an open alert (someone is on it)',
          description: 'Only open alerts: an acknowledged or resolved one answers 409 with its current status. It still resolves by itself.',
          params: alertParams,
          response: { 200: alertSchema, ...errors },
        },
      },
      async (request) => acknowledgeAlert(request.ctx, request.params.alertId),
    );

    app.post(
      '/api/alerts/evaluate',
      {
        config: { access: 'alerts.manage' },
        schema: {
          tags: ['alerts'],
          summary: 'Evaluate this org\u2019s rules now instead of at the next minute (queued as an alerts.evaluate job)',
          response: { 202: z.object({ queued: z.boolean() }), ...errors },
        },
      },
      async (request, reply) => {
        const orgId = request.ctx.orgId;
        const queued = await deps.queue
          .enqueue('alerts.evaluate', { orgId }, { singletonKey: `alerts.evaluate:${orgId}` })
          .then(() => true)
          .catch((error: unknown) => {
            // Already queued for this org: the queued run will do.
            if (isAppError(error) && error.code === 'CONFLICT') return false;
            throw error;
          });
        return reply.status(202).send({ queued });
      },
    );

    app.get(
      '/api/alert-rules',
      {
        config: { access: 'alerts.read' },
        schema: {
          tags: ['alerts'],
          summary: 'Alert rules with their thresholds, channels and last value',
          description: 'One rule per kind, created with the defaults (seed 000 and issue 5) the first time they are read or evaluated. Evaluated every minute.',
          response: { 200: alertRulesResponseSchema, ...errors },
        },
      },
      async (request) => ({ rules: await listAlertRules(request.ctx) }),
    );

    app.put(
      '/api/alert-rules/:ruleId',
      {
        config: { access: 'alerts.manage' },
        schema: {
          tags: ['alerts'],
          summary: 'Change a rule: threshold, enabled, notification channels',
          params: ruleParams,
          body: updateAlertRuleRequestSchema,
          response: { 200: alertRuleSchema, ...errors },
        },
      },
      async (request) => updateAlertRule(request.ctx, request.params.ruleId, request.body),
    );

    app.get(
      '/api/notification-channels',
      {
        config: { access: 'channels.read' },
        schema: {
          tags: ['notifications'],
          summary: 'Notification channels (Slack, e-mail, signed webhooks), without their credentials',
          response: { 200: channelsResponseSchema, ...errors },
        },
      },
      async (request) => ({ channels: await listChannels(request.ctx) }),
    );

    app.post(
      '/api/notification-channels',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags: ['notifications'],
          summary: 'Add a channel: a test message is sent first; saved only if it is delivered',
          description:
            'Slack and webhook URLs must be http(s) and resolve only to public addresses (unless NEXO_ALLOW_PRIVATE_WEBHOOKS). A failed test answers 400 with the reason. Webhook channels answer with their `whsec_` signing secret, shown this once.',
          body: createChannelRequestSchema,
          response: { 201: createChannelResponseSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await createChannel(request.ctx, notify, request.body)),
    );

    app.get(
      '/api/notification-channels/:channelId',
      {
        config: { access: 'channels.read' },
        schema: { tags: ['notifications'], summary: 'One notification channel', params: channelParams, response: { 200: channelSchema, ...errors } },
      },
      async (request) => getChannel(request.ctx, request.params.channelId),
    );

    app.patch(
      '/api/notification-channels/:channelId',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags: ['notifications'],
          summary: 'Rename, enable/disable, or change the target (a new target is tested before it is saved)',
          params: channelParams,
          body: updateChannelRequestSchema,
          response: { 200: channelSchema, ...errors },
        },
      },
      async (request) => updateChannel(request.ctx, notify, request.params.channelId, request.body),
    );

    app.delete(
      '/api/notification-channels/:channelId',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags: ['notifications'],
          summary: 'Delete a channel (it is removed from every rule; its delivery log goes with it)',
          params: channelParams,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteChannel(request.ctx, request.params.channelId);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/notification-channels/:channelId/test',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags: ['notifications'],
          summary: 'Send a test message now; the answer is its delivery-log entry (status delivered or failed, with the reason)',
          params: channelParams,
          response: { 200: deliverySchema, ...errors },
        },
      },
      async (request) => testChannel(request.ctx, notify, request.params.channelId),
    );

    app.get(
      '/api/notification-channels/:channelId/deliveries',
      {
        config: { access: 'channels.read' },
        schema: {
          tags: ['notifications'],
          summary: 'The delivery log of a channel (latest 50): event, status, attempts, response code, error',
          params: channelParams,
          response: { 200: deliveriesResponseSchema, ...errors },
        },
      },
      async (request) => ({ deliveries: await listDeliveries(request.ctx, request.params.channelId) }),
    );
  };
