/**
 * The matchmaker's data: table and key names for one run, the schema with its seed data, and the
 * exact SQL the service sends (exported so the example's test can recognise each statement).
 */
export interface Catalog {
  dishes: string;
  wines: string;
  ratings: string;
  /** Redis key prefix for this run's scores. */
  keyPrefix: string;
}

/** Every name carries the run id, so parallel runs on one database never touch each other's rows. */
export function catalogFor(runId: string): Catalog {
  if (!/^[a-z0-9]{1,24}$/.test(runId)) throw new Error(`run id must be short lower-case alphanumerics, got ${runId}`);
  return { dishes: `mm_dishes_${runId}`, wines: `mm_wines_${runId}`, ratings: `mm_ratings_${runId}`, keyPrefix: `mm:${runId}:` };
}

export function scoreKey(catalog: Catalog, wineId: number): string {
  return `${catalog.keyPrefix}score:${wineId}`;
}

export type Statement = 'dishByName' | 'winesForFlavour' | 'recomputeScores';

export function sql(catalog: Catalog): Record<Statement, string> {
  return {
    dishByName: `SELECT id, name, flavour FROM ${catalog.dishes} WHERE name = $1`,
    winesForFlavour: `SELECT id, name, style FROM ${catalog.wines} WHERE flavour = $1 ORDER BY id`,
    // The deliberately slow path: re-averaging every rating (with a pg_sleep standing in for a big
    // table) runs only when a wine's score has expired from Redis.
    recomputeScores:
      `SELECT wine_id, avg(stars)::float8 AS score FROM ${catalog.ratings}, pg_sleep(0.15) ` +
      `WHERE wine_id = ANY($1::int[]) GROUP BY wine_id`,
  };
}

const DISHES: Array<[string, string]> = [
  ['brie', 'creamy'],
  ['stilton', 'bold'],
  ['chevre', 'fresh'],
  ['mushroom risotto', 'earthy'],
];

const WINES: Array<[string, string, string]> = [
  ['Chablis', 'white', 'creamy'],
  ['Champagne brut', 'sparkling', 'creamy'],
  ['Meursault', 'white', 'creamy'],
  ['Port', 'fortified', 'bold'],
  ['Sauternes', 'sweet', 'bold'],
  ['Sancerre', 'white', 'fresh'],
  ['Pinot noir', 'red', 'earthy'],
  ['Barolo', 'red', 'earthy'],
];

export function schemaStatements(catalog: Catalog): string[] {
  const wineRows = WINES.map(([name, style, flavour]) => `('${name}', '${style}', '${flavour}')`).join(', ');
  const dishRows = DISHES.map(([name, flavour]) => `('${name}', '${flavour}')`).join(', ');
  return [
    `CREATE TABLE ${catalog.dishes} (id serial PRIMARY KEY, name text UNIQUE NOT NULL, flavour text NOT NULL)`,
    `CREATE TABLE ${catalog.wines} (id serial PRIMARY KEY, name text NOT NULL, style text NOT NULL, flavour text NOT NULL)`,
    `CREATE TABLE ${catalog.ratings} (wine_id int NOT NULL, stars int NOT NULL)`,
    `INSERT INTO ${catalog.dishes} (name, flavour) VALUES ${dishRows}`,
    `INSERT INTO ${catalog.wines} (name, style, flavour) VALUES ${wineRows}`,
    // A few hundred ratings per wine, deterministic so the demo's picks are stable.
    `INSERT INTO ${catalog.ratings} (wine_id, stars) ` +
      `SELECT w.id, 1 + (w.id * 7 + g) % 5 FROM ${catalog.wines} w, generate_series(1, 300) g`,
  ];
}

export function dropStatement(catalog: Catalog): string {
  return `DROP TABLE IF EXISTS ${catalog.dishes}, ${catalog.wines}, ${catalog.ratings}`;
}
