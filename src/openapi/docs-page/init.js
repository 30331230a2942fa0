// Renders /openapi.json with Swagger UI. Loaded as a file so the page's policy can forbid inline scripts.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#reference",
    deepLinking: true,
    // No call to the public validator service: nothing leaves this host.
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false,
    persistAuthorization: false,
  });
});
