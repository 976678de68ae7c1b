/**
 * The parameter panel's form as rjsf renders it with the ajv8 validator (the form library and
 * validator of JupyterLab's settings editor) and our field template: hover text on the names,
 * out-of-range values refused with the reason.
 */
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import Form from '@rjsf/core';
import validator from '@rjsf/validator-ajv8';
import type { RJSFSchema } from '@rjsf/utils';
import { FieldWithHover } from './ParamField';

/** The parameters of the gamma_correction module, as mf.modules.list() gives them. */
const GAMMA: RJSFSchema = {
  type: 'object',
  properties: {
    gamma: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 10,
      default: 1,
      description: 'Exponent applied to values normalised to [0, 1].'
    },
    mode: { type: 'string', enum: ['power', 'log'], default: 'power', description: 'Curve.' }
  },
  additionalProperties: false
};

function render(formData: Record<string, unknown>): string {
  return renderToStaticMarkup(
    React.createElement(Form, {
      schema: GAMMA,
      formData,
      validator,
      liveValidate: true,
      showErrorList: false,
      templates: { FieldTemplate: FieldWithHover }
    })
  );
}

test('each parameter name carries its description and constraint as hover text', () => {
  const html = render({ gamma: 2, mode: 'power' });
  expect(html).toContain(
    'title="Exponent applied to values normalised to [0, 1]. (number, &gt;0 … 10, default 1)"'
  );
  expect(html).toContain(
    'title="Curve. (string, one of &quot;power&quot;, &quot;log&quot;, default &quot;power&quot;)"'
  );
  expect(html).not.toContain('medflow-ParamField-errors');
});

test('an out-of-range value is refused on the spot with the reason', () => {
  const html = render({ gamma: 20, mode: 'power' });
  expect(html).toMatch(
    /<ul class="medflow-ParamField-errors" role="alert"><li>must be &lt;= 10<\/li><\/ul>/
  );
  expect(render({ gamma: 0 })).toContain('<li>must be &gt; 0</li>');
});
