// The add-on's experiment API (extension/experiments/mssanteFiles/schema.json).
declare namespace browser.mssanteFiles {
  function pickFile(
    title: string,
    filters: Array<{ title: string; pattern: string }>,
  ): Promise<string | null>;
}
