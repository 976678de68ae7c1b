/**
 * The parameter panel of the selected node, generated from the module's JSON Schema with the
 * form JupyterLab's settings editor uses (FormComponent of @jupyterlab/ui-components, rjsf
 * with the ajv8 validator). Hovering a parameter's name shows its description and constraint;
 * an invalid value is refused on the spot (the form shows why, nothing is sent); a valid
 * change is sent to the kernel, which validates it again (its refusal shows here too).
 * The network node shows the training hyperparameters and "View layers".
 */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { FormComponent, type IFormComponentProps } from '@jupyterlab/ui-components';
import type { ReadonlyJSONObject } from '@lumino/coreutils';
import validator from '@rjsf/validator-ajv8';
import type { RJSFSchema } from '@rjsf/utils';
import { FieldWithHover } from './ParamField';
import type { PipelineDocument } from '../../schema/documents';
import type { ModuleInfo } from './editor-model';
import { formatShape } from './graph-model';

const TEMPLATES = { FieldTemplate: FieldWithHover };
/** A flat form of a module's parameters: no titles/descriptions under each field. */
const UI_SCHEMA = { 'ui:submitButtonOptions': { norender: true } };

interface SchemaFormProps {
  schema: Record<string, unknown>;
  data: Record<string, unknown>;
  /** Resets the form's own state when the node or the kernel's value changes. */
  resetKey: string;
  onValid(data: Record<string, unknown>): void;
  label: string;
}

/** One rjsf form over a schema: refuses invalid values, reports valid ones (debounced). */
function SchemaForm({
  schema,
  data,
  resetKey,
  onValid,
  label
}: SchemaFormProps): React.ReactElement {
  const [formData, setFormData] = React.useState(data);
  const timer = React.useRef<number | undefined>(undefined);
  React.useEffect(() => {
    setFormData(data);
    // The kernel's value wins over an edit that was not sent (it was refused).
  }, [resetKey]);
  React.useEffect(() => () => window.clearTimeout(timer.current), []);
  return (
    <div className="medflow-ParamForm" aria-label={label} role="group">
      <FormComponent
        schema={schema as RJSFSchema}
        formData={formData as ReadonlyJSONObject}
        // One rjsf, typed twice (ui-components narrows formData to JSON): same validator.
        validator={validator as unknown as IFormComponentProps['validator']}
        templates={TEMPLATES}
        uiSchema={UI_SCHEMA}
        liveValidate
        showErrorList={false}
        compact
        onChange={event => {
          const next = (event.formData ?? {}) as Record<string, unknown>;
          setFormData(next);
          window.clearTimeout(timer.current);
          if ((event.errors ?? []).length > 0) return; // refused on the spot, shown by the form
          timer.current = window.setTimeout(() => onValid(next), 250);
        }}
      />
    </div>
  );
}

export interface ParameterPanelProps {
  doc: PipelineDocument;
  /** Graph node id of the selection ('dataset', 'network', 'training', 'step-<id>'), or null. */
  selected: string | null;
  modules: readonly ModuleInfo[];
  trainingSchema: Record<string, unknown> | null;
  shapes: Record<string, number[]>;
  editable: boolean;
  trans: IRenderMime.TranslationBundle;
  onSetParams(step: string, params: Record<string, unknown>): void;
  onSetTraining(settings: Record<string, unknown>): void;
  /** Opens the layer builder on the network; undefined when no plugin offers it. */
  onViewLayers?: () => void;
}

export function ParameterPanel(props: ParameterPanelProps): React.ReactElement {
  const { doc, selected, modules, trainingSchema, shapes, editable, trans } = props;
  const step = selected?.startsWith('step-')
    ? doc.steps.find(s => `step-${s.id}` === selected)
    : undefined;
  let body: React.ReactElement;
  if (step) {
    const info = modules.find(m => m.name === step.module);
    body = (
      <>
        <h3 className="medflow-Panel-title">
          {step.module} <span className="medflow-Panel-id">{step.id}</span>
        </h3>
        {info && <p className="medflow-Panel-description">{info.description}</p>}
        {shapes[step.id] && (
          <p className="medflow-Panel-shape">
            {trans.__('Output shape: %1', formatShape(shapes[step.id]))}
          </p>
        )}
        {!info ? (
          <p className="medflow-Panel-note">{trans.__('Loading the module catalog…')}</p>
        ) : Object.keys(info.params.properties).length === 0 ? (
          <p className="medflow-Panel-note">{trans.__('This module has no parameters.')}</p>
        ) : editable ? (
          <SchemaForm
            schema={info.params}
            data={step.params}
            resetKey={`${step.id}:${JSON.stringify(step.params)}`}
            label={trans.__('Parameters of %1', step.id)}
            onValid={params => props.onSetParams(step.id, params)}
          />
        ) : (
          <ReadOnlyParams params={step.params} />
        )}
      </>
    );
  } else if (selected === 'network' || selected === 'training') {
    body = (
      <>
        <h3 className="medflow-Panel-title">
          {trans.__('Network')}{' '}
          {doc.network && <span className="medflow-Panel-id">{doc.network.name}</span>}
        </h3>
        {!doc.network && (
          <p className="medflow-Panel-note">
            {trans.__('No network yet: call .network(doc) in a cell.')}
          </p>
        )}
        <button
          className="jp-mod-styled jp-mod-accept medflow-Panel-button"
          disabled={!doc.network || !props.onViewLayers}
          title={props.onViewLayers ? undefined : trans.__('The layer builder is not installed')}
          onClick={() => props.onViewLayers?.()}
        >
          {trans.__('View layers')}
        </button>
        <h4 className="medflow-Panel-subtitle">{trans.__('Training hyperparameters')}</h4>
        {trainingSchema && editable ? (
          <SchemaForm
            schema={trainingSchema}
            data={doc.training as Record<string, unknown>}
            resetKey={`training:${JSON.stringify(doc.training)}`}
            label={trans.__('Training hyperparameters')}
            onValid={settings => props.onSetTraining(settings)}
          />
        ) : (
          <ReadOnlyParams params={doc.training as Record<string, unknown>} />
        )}
      </>
    );
  } else if (selected === 'dataset') {
    const d = doc.dataset;
    body = (
      <>
        <h3 className="medflow-Panel-title">{trans.__('Dataset')}</h3>
        {d ? (
          <ReadOnlyParams
            params={{
              name: d.name,
              source: d.source,
              shape: d.shape,
              classes: d.classes,
              splits: d.splits
            }}
          />
        ) : (
          <p className="medflow-Panel-note">
            {trans.__('No dataset yet: call .input(dataset) in a cell.')}
          </p>
        )}
      </>
    );
  } else {
    body = <p className="medflow-Panel-note">{trans.__('Select a node to see its parameters.')}</p>;
  }
  return (
    <div
      className="medflow-Panel"
      role="region"
      aria-label={trans.__('Parameters')}
      data-testid="medflow-parameter-panel"
    >
      {body}
    </div>
  );
}

function ReadOnlyParams({ params }: { params: Record<string, unknown> }): React.ReactElement {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined);
  return (
    <dl className="medflow-Panel-readonly">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
