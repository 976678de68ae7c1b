/**
 * The field template of the parameter panel's rjsf form: the parameter's name is a label whose
 * hover text (title) gives its description and constraint; the validator's errors are listed
 * under the input, so an invalid value is refused on the spot with the reason. Plain
 * createElement (no JSX) so that jest renders it in Node.
 */
import * as React from 'react';
import type { FieldTemplateProps } from '@rjsf/utils';
import { describeParam } from './editor-model';

const h = React.createElement;

export function FieldWithHover(props: FieldTemplateProps): React.ReactElement {
  const { id, label, children, rawErrors, schema, hidden, displayLabel, classNames } = props;
  if (hidden) return h('div', { className: 'medflow-hidden' }, children);
  const isRoot = id === 'root';
  const errors = rawErrors ?? [];
  return h(
    'div',
    {
      className: `medflow-ParamField ${classNames ?? ''}`.trim(),
      'data-testid': `medflow-param-${id.replace(/^root_/, '')}`
    },
    !isRoot && displayLabel && label
      ? h(
          'label',
          {
            htmlFor: id,
            className: 'medflow-ParamField-label',
            title: describeParam(schema as Record<string, unknown>)
          },
          label
        )
      : null,
    children,
    errors.length > 0
      ? h(
          'ul',
          { className: 'medflow-ParamField-errors', role: 'alert' },
          errors.map((error, i) => h('li', { key: i }, error))
        )
      : null
  );
}
