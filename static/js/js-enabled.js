// GOV.UK Frontend styles some components differently once JavaScript runs; set the classes it
// expects as early as possible (this file loads at the top of <body>, not as an inline script).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
