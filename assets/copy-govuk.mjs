// Copy GOV.UK Frontend's fonts, images and JavaScript next to the compiled CSS.
import { cpSync, mkdirSync } from "node:fs";

const source = "node_modules/govuk-frontend/dist/govuk";
const target = "static/build/govuk";
mkdirSync(target, { recursive: true });
cpSync(`${source}/assets`, `${target}/assets`, { recursive: true });
for (const file of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(`${source}/${file}`, `${target}/${file}`);
}
