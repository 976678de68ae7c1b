// Loaded by JupyterLab through package.json `styleModule`: React Flow's stylesheet first, then
// ours, which overrides its colours with the theme's.
import '@xyflow/react/dist/style.css';
import './base.css';
import './builder.css';
import './views.css';
