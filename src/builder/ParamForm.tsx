/**
 * The parameter panel of one layer: a form generated from the layer's JSON Schema (rjsf,
 * through JupyterLab's FormComponent so it looks like the settings editor), laid out as rows of
 * name · value · information (the parameter's description).
 */
import * as React from 'react';
import { FormComponent } from '@jupyterlab/ui-components';
import type { FieldTemplateProps } from '@rjsf/utils';
import type { ReadonlyJSONObject } from '@lumino/coreutils';
import { kernelValidator } from './kernel-validator';
import { formSchema, type CatalogLayer } from './model';

/** One row: name, the value's editor, and the information column. */
function ParamRow(props: FieldTemplateProps): React.ReactElement {
  const { id, label, children, rawDescription, hidden, required, schema } = props;
  if (hidden) return <div hidden>{children}</div>;
  // The root object and array items are containers: just their children.
  if (id === 'root' || !label || /_\d+$/.test(id)) return <>{children}</>;
  return (
    <div className="medflow-ParamRow" data-param={label}>
      <label className="medflow-ParamRow-name" htmlFor={id}>
        {label}
        {required ? ' *' : ''}
      </label>
      <div className="medflow-ParamRow-value">{children}</div>
      <div className="medflow-ParamRow-info">
        {rawDescription ?? (schema.description as string | undefined) ?? ''}
      </div>
    </div>
  );
}

export function ParamForm(props: {
  layer: CatalogLayer;
  params: Record<string, unknown>;
  disabled: boolean;
  onChange: (params: Record<string, unknown>) => void;
}): React.ReactElement {
  const { layer, params, disabled, onChange } = props;
  const schema = React.useMemo(() => formSchema(layer, params), [layer, params]);
  // Checkboxes draw their own label and description: the row already shows both.
  const uiSchema = React.useMemo(() => {
    const ui: Record<string, unknown> = {
      'ui:submitButtonOptions': { norender: true },
      'ui:description': ' '
    };
    const props = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
    for (const [name, p] of Object.entries(props)) {
      if (p.type === 'boolean') ui[name] = { 'ui:label': false };
    }
    return ui;
  }, [schema]);
  return (
    <FormComponent
      schema={schema as never}
      formData={params as ReadonlyJSONObject}
      validator={kernelValidator as never}
      disabled={disabled}
      liveValidate={false}
      showErrorList={false}
      templates={{ FieldTemplate: ParamRow as never }}
      uiSchema={uiSchema}
      onChange={e => onChange((e.formData ?? {}) as Record<string, unknown>)}
    />
  );
}
