// The one thing notify needs from a database connection: a parameterised query. A pg.Pool (the
// store on PostgreSQL or on PGlite through its socket) is one.
export interface Sql {
  // biome-ignore lint/suspicious/noExplicitAny: rows are typed by each caller's mapping
  query(text: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>
}
