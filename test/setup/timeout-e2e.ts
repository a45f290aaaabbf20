// jest ignores testTimeout inside a project's config; each layer sets its own here.
jest.setTimeout(300_000);
