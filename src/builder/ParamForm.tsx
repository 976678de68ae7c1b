/**
 * The parameter panel of one layer: a form generated from the layer's JSON Schema (rjsf,
 * through JupyterLab's FormComponent so it looks like the settings editor), laid out as rows of
 * name · value · information (the parameter's description).
 */
import * as React from 'react';
import { FormComponent } from '@jupyterlab/ui-components';
import type { FieldTemplateProps, ObjectFieldTemplateProps } from '@rjsf/utils';
import type { ReadonlyJSONObject } from '@lumino/coreutils';
import { kernelValidator } from './kernel-validator';
import { formSchema, type CatalogLayer } from './model';

/** An object's fields, without the title and description its row already shows. */
function ParamGroup(props: ObjectFieldTemplateProps): React.ReactElement {
  return <>{props.properties.map(p => p.content)}</>;
}

/** One row: name, the value's editor, and the information column. */
function ParamRow(props: FieldTemplateProps): React.ReactElement {
  const { id, label, children, rawDescription, hidden, required, schema } = props;
  if (hidden) return <div hidden>{children}</div>;
  // The root object and array items are containers: just their children.
  if (id === 'root' || !label || /_\d+$/.test(id)) return <>{children}</>;
  const info = rawDescription ?? (schema.description as string | undefined) ?? '';
  if (schema.type === 'object') {
    // A group (a regularizer's l1 and l2): its name and information on one line, its own rows
    // below at full width (three columns inside the value column would overlap).
    return (
      <div className="medflow-ParamRow medflow-ParamRow-group" data-param={label}>
        <span className="medflow-ParamRow-name">{label}</span>
        <div className="medflow-ParamRow-info">{info}</div>
        <div className="medflow-ParamRow-members">{children}</div>
      </div>
    );
  }
  return (
    <div className="medflow-ParamRow" data-param={label}>
      <label className="medflow-ParamRow-name" htmlFor={id}>
        {label}
        {required ? ' *' : ''}
      </label>
      <div className="medflow-ParamRow-value">{children}</div>
      <div className="medflow-ParamRow-info">{info}</div>
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
      templates={{ FieldTemplate: ParamRow as never, ObjectFieldTemplate: ParamGroup as never }}
      uiSchema={uiSchema}
      onChange={e => onChange((e.formData ?? {}) as Record<string, unknown>)}
    />
  );
}
