/**
 * Shares the process's Database (and, when this process ingests, its
 * Ingestor) with every route plugin. The app does not own them: whoever
 * built them closes them after `app.close()`.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Database } from '@hydra/storage';

declare module 'fastify' {
  interface FastifyInstance {
    /** The metrics database the routes read. */
    db: Database;
  }
}

export interface DatabasePluginOptions {
  db: Database;
}

async function databasePlugin(app: FastifyInstance, options: DatabasePluginOptions): Promise<void> {
  app.decorate('db', options.db);
}

export default fp(databasePlugin, { name: 'hydra-database', fastify: '5.x' });
