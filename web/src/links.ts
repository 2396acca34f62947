// Where each asset's page is: one place, so links agree across pages.

/** The page of a table, by its name as the catalog gives it. */
export function tableLink(name: string): string {
  return `/tables/${encodeURIComponent(name)}`;
}

/** The lineage graph around a table or column. */
export function lineageLink(asset: string): string {
  return `/lineage/${encodeURIComponent(asset)}`;
}
