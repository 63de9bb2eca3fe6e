// Starts GOV.UK Frontend's components. Loaded as a module, so browsers without module support
// get the plain HTML pages, which work without JavaScript.
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";

initAll();
