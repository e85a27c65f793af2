/* The API page: Swagger UI over /api/v1/openapi.json. "Try it out" uses the login session when there is one,
   and sends the CSRF token that writes authenticated by the session cookie need. */
(function () {
  "use strict";

  function csrfCookie() {
    var match = document.cookie.match(/(?:^|;\s*)eventops_csrf=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function start() {
    var root = document.getElementById("swagger-ui");
    window.SwaggerUIBundle({
      url: root.getAttribute("data-url"),
      domNode: root,
      deepLinking: true,
      validatorUrl: null,
      layout: "BaseLayout",
      defaultModelsExpandDepth: 0,
      requestInterceptor: function (request) {
        var token = csrfCookie();
        if (token && !/^(GET|HEAD|OPTIONS)$/i.test(request.method || "GET")) {
          request.headers["X-CSRF-Token"] = token;
        }
        return request;
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
