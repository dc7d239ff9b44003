// Starts GraphiQL against the endpoint that served this page. A file of its own (not an
// inline script) so the page's Content-Security-Policy can forbid inline scripts.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      // A pasted API key stays in this tab, not in the browser's storage.
      shouldPersistHeaders: false,
    })
  );
})();
