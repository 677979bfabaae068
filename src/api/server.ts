/**
 * The HTTP server: Fastify with zod validation and serialization, the OpenAPI document built from
 * the same schemas (`/api/openapi.json`), authentication, the error format and every route.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.js';
import { AppError } from '../domain/errors.js';
import { createMetrics } from '../metrics/registry.js';
import { registerAuth } from './auth.js';
import { handleClientError } from './client-errors.js';
import { handleError } from './errors.js';
import { acceptEmptyJsonBodies } from './json-body.js';
import { answerWrongMethods } from './method-not-allowed.js';
import { openapiTransform, openapiTransformObject } from './openapi.js';
import { countRequests } from './request-metrics.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { bounceMailboxRoutes } from './routes/bounce-mailboxes.js';
import { bounceRoutes } from './routes/bounces.js';
import { campaignRoutes } from './routes/campaigns.js';
import { complianceRoutes } from './routes/compliance.js';
import { consoleRoutes } from './routes/console.js';
import { contentRuleRoutes } from './routes/content-rules.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { datacenterRoutes } from './routes/datacenters.js';
import { destinationRoutes } from './routes/destinations.js';
import { domainRoutes } from './routes/domains.js';
import { healthRoutes } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { metricsRoutes } from './routes/metrics.js';
import { oauthRoutes } from './routes/oauth.js';
import { relayAuthenticationRoutes } from './routes/relay-authentication.js';
import { relayRoutes } from './routes/relays.js';
import { reportRoutes } from './routes/reports.js';
import { sessionRoutes } from './routes/session.js';
import { settingsRoutes } from './routes/settings.js';
import { suppressionRoutes } from './routes/suppressions.js';
import { unsubscribeRoutes } from './routes/unsubscribe.js';
import { userRoutes } from './routes/users.js';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.js';
import { sendSecurityHeaders } from './security-headers.js';

export const API_VERSION = '1.0.0';

export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: 50 * 1024 * 1024,
    trustProxy: false,
    clientErrorHandler: handleClientError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  acceptEmptyJsonBodies(app);
  sendSecurityHeaders(app);
  const metrics = createMetrics(ctx);
  countRequests(app, metrics.http);
  app.setNotFoundHandler(answerWrongMethods(app));

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'mailroute', description: 'Outbound email relay gateway API', version: API_VERSION },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API key' },
          session: { type: 'apiKey', in: 'cookie', name: 'mailroute_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: openapiTransform,
    transformObject: openapiTransformObject,
  });
  registerAuth(app, ctx);

  for (const routes of [
    healthRoutes,
    sessionRoutes,
    apiKeyRoutes,
    settingsRoutes,
    auditLogRoutes,
    domainRoutes,
    relayRoutes,
    relayAuthenticationRoutes,
    complianceRoutes,
    bounceMailboxRoutes,
    oauthRoutes,
    datacenterRoutes,
    destinationRoutes,
    userRoutes,
    messageRoutes,
    campaignRoutes,
    suppressionRoutes,
    contentRuleRoutes,
    webhookEndpointRoutes,
    bounceRoutes,
    reportRoutes,
    dashboardRoutes,
    unsubscribeRoutes,
  ]) {
    await app.register(routes(ctx));
  }
  await app.register(metricsRoutes(ctx, metrics));
  await app.register(consoleRoutes(ctx));
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  return app;
}

export { AppError };
