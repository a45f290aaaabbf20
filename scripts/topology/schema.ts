/**
 * The Temporal databases on PostgreSQL, made as temporalio/auto-setup makes them: the SQL tool
 * creates each database, sets up versioning and applies every versioned schema file that
 * go.temporal.io/server v1.29.1 ships (read from the Go module cache).
 */
import * as path from 'node:path';
import { runTool } from './exec';

export const SQL_PLUGIN = 'postgres12';
export const DATABASES = [
  { name: 'temporal', schemaDir: 'temporal' },
  { name: 'temporal_visibility', schemaDir: 'visibility' },
] as const;

export interface SchemaInput {
  sqlTool: string;
  moduleDir: string;
  address: string;
  port: number;
  user: string;
  password: string;
  progress: (line: string) => void;
}

/** The tool reads the connection from SQL_* variables, which keeps the password off its command line. */
function toolEnvironment(input: SchemaInput, database: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SQL_PLUGIN: SQL_PLUGIN,
    SQL_HOST: input.address,
    SQL_PORT: String(input.port),
    SQL_USER: input.user,
    SQL_PASSWORD: input.password,
    SQL_DATABASE: database,
  };
}

export function versionedSchemaDir(moduleDir: string, schemaDir: string): string {
  return path.join(moduleDir, 'schema', 'postgresql', 'v12', schemaDir, 'versioned');
}

export async function createTemporalDatabases(input: SchemaInput): Promise<void> {
  for (const database of DATABASES) {
    const env = toolEnvironment(input, database.name);
    const steps = [
      ['create-database'],
      ['setup-schema', '-v', '0.0'],
      ['update-schema', '-d', versionedSchemaDir(input.moduleDir, database.schemaDir)],
    ];
    for (const args of steps) {
      await runTool({ command: input.sqlTool, args, env, what: `temporal-sql-tool ${args[0]} on ${database.name}` });
    }
    input.progress(`database ${database.name}: created, schema from ${path.relative(input.moduleDir, versionedSchemaDir(input.moduleDir, database.schemaDir))}`);
  }
}
