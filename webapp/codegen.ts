import type { CodegenConfig } from "@graphql-codegen/cli";

// Operations are typed from the server's committed SDL: a schema change that breaks the
// app fails `npm run build` (tsc) instead of a user's click.
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "./src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { enumsAsTypes: true, useTypeImports: true, scalars: { DateTime: "string", Upload: "File" } },
    },
  },
};

export default config;
