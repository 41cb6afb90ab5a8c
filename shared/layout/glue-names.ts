/**
 * Names in the Glue catalog and Athena (docs/architecture.md#storage-layouts): one table per view
 * version, temporary entity tables with a fixed prefix (the only tables prepare may create and
 * finalize may drop), a database and a workgroup per project.
 */

/** Prefix of the temporary tables that hold a training request's staged entity rows. */
export const ENTITY_TABLE_PREFIX = 'skewless_entity_';

/** Glue table of a view version: `<view>_v<N>`, lower-cased as Glue stores it. */
export function glueTableName(name: string, version: number): string {
  return `${name}_v${version}`.toLowerCase();
}

/** The staging table of one prepared dataset. */
export function entityTableName(id: string): string {
  return `${ENTITY_TABLE_PREFIX}${id}`;
}

/** The dataset id of a staging table name, or undefined when it is not one (`skewless_entity_<hex>`). */
export function entityTableIdOf(table: string): string | undefined {
  return table.startsWith(ENTITY_TABLE_PREFIX) && /^[0-9a-f]+$/.test(table.slice(ENTITY_TABLE_PREFIX.length))
    ? table.slice(ENTITY_TABLE_PREFIX.length)
    : undefined;
}

/**
 * The Glue database and Athena workgroup are named after the project (the registry's identity), so
 * `skewless.json` stays readable; the stack outputs name them for the CLI. Two stacks of one
 * project in one account would share them — deploy a second copy under another project name.
 */
export function projectNames(project: string): { database: string; workgroup: string } {
  return { database: project.toLowerCase(), workgroup: `skewless-${project}`.toLowerCase() };
}
