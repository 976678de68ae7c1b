import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_GRAPH_SETTINGS, type IPipelineGraphSettings } from '../tokens';
import { PipelineGraphRegistry } from './registry';

const SCHEMA_PATH = path.join(__dirname, '..', '..', 'schema', 'settings', 'pipeline-graph.json');

describe('PipelineGraphRegistry', () => {
  it('starts from the defaults and announces each real change once', () => {
    const registry = new PipelineGraphRegistry();
    const seen: IPipelineGraphSettings[] = [];
    registry.settingsChanged.connect((_, s) => seen.push(s));
    expect(registry.settings).toEqual(DEFAULT_GRAPH_SETTINGS);

    registry.update({ direction: 'TB', height: 480 });
    registry.update({ direction: 'TB', height: 480 });
    expect(seen).toEqual([{ ...DEFAULT_GRAPH_SETTINGS, direction: 'TB', height: 480 }]);
    expect(registry.settings).toEqual({ ...DEFAULT_GRAPH_SETTINGS, direction: 'TB', height: 480 });
  });

  it('falls back to usable values for a hand-edited settings file', () => {
    const registry = new PipelineGraphRegistry();
    registry.update({ direction: 'diagonal', height: 5 });
    expect(registry.settings).toEqual({ ...DEFAULT_GRAPH_SETTINGS, direction: 'LR', height: 160 });
    registry.update({ direction: 'TB', height: 'tall' });
    expect(registry.settings).toEqual({ ...DEFAULT_GRAPH_SETTINGS, direction: 'TB' });
    registry.update({ sampleCount: 500, previewDelay: -3 });
    expect(registry.settings).toMatchObject({ sampleCount: 64, previewDelay: 0 });
  });

  it('keeps the live views until each one forgets itself', () => {
    const registry = new PipelineGraphRegistry();
    const fits: string[] = [];
    const view = (name: string) => ({
      node: {} as HTMLElement,
      fitView: () => fits.push(name),
      actions: null
    });
    const forgetA = registry.add(view('a'));
    registry.add(view('b'));
    forgetA();
    forgetA();
    registry.views.forEach(v => v.fitView());
    expect(fits).toEqual(['b']);
  });
});

describe('settings schema (schema/settings/pipeline-graph.json)', () => {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8'));

  it('has the same defaults as the code', () => {
    expect(schema.properties.direction.default).toBe(DEFAULT_GRAPH_SETTINGS.direction);
    expect(schema.properties.height.default).toBe(DEFAULT_GRAPH_SETTINGS.height);
    expect(schema.properties.sampleCount.default).toBe(DEFAULT_GRAPH_SETTINGS.sampleCount);
    expect(schema.properties.previewDelay.default).toBe(DEFAULT_GRAPH_SETTINGS.previewDelay);
  });

  it('titles and describes every setting', () => {
    expect(schema.title).toBeTruthy();
    expect(schema.description).toBeTruthy();
    for (const property of Object.values(schema.properties) as Record<string, unknown>[]) {
      expect(property.title).toBeTruthy();
      expect(property.description).toBeTruthy();
    }
  });

  it('uses only JSON Schema draft 4 keywords, as jupyterlab_server validates with draft 4', () => {
    // `const` is draft 6: under draft 4 every `oneOf` branch with it matches anything, and
    // the server then silently drops the user's settings.
    expect(fs.readFileSync(SCHEMA_PATH, 'utf8')).not.toMatch(/"const"/);
    const choices = schema.properties.direction.oneOf.map((c: { enum: string[] }) => c.enum);
    expect(choices).toEqual([['LR'], ['TB']]);
  });
});
