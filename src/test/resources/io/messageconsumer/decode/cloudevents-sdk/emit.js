// Structured-mode JSON of the events the fixtures hold, as the official cloudevents SDK writes them.
const { CloudEvent, HTTP } = require("cloudevents");
const fs = require("fs");
const out = process.argv[2];
const common = { source: "/shop", time: "2026-11-24T10:00:00.000Z" };
const events = {
  "object-data": new CloudEvent({ ...common, type: "order", id: "sdk-object-1",
    data: { id: "sdk-object-1", customerId: "c-7", items: [{ sku: "SKU-1", quantity: 2, unitPrice: 9.5 }], total: 19, currency: "EUR" } }),
  "binary-data": new CloudEvent({ ...common, type: "order", id: "sdk-binary-1",
    data: new Uint8Array(Buffer.from(JSON.stringify({ id: "sdk-binary-1", total: 4.5, currency: "EUR" }))) }),
  "json-data-base64": new CloudEvent({ ...common, type: "order", id: "sdk-base64-1", datacontenttype: "application/json",
    data_base64: Buffer.from(JSON.stringify({ id: "sdk-base64-1", total: 7, currency: "EUR" })).toString("base64") }),
  "numeric-sequence": new CloudEvent({ ...common, type: "order", id: "sdk-sequence-1", sequence: 5,
    data: { id: "sdk-sequence-1" } }),
  "traceparent": new CloudEvent({ ...common, type: "order", id: "sdk-trace-1",
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "vendor=value",
    data: { id: "sdk-trace-1" } }),
  "xml-data": new CloudEvent({ ...common, type: "order", id: "sdk-xml-1", datacontenttype: "application/xml",
    data: "<order id=\"sdk-xml-1\"/>" }),
};
for (const [name, event] of Object.entries(events)) {
  const message = HTTP.structured(event);
  fs.writeFileSync(`${out}/${name}.json`, message.body + "\n");
  console.log(name, message.body);
}
