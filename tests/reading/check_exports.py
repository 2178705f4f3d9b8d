"""Reads nas-ledger exports back with the tools analysts use; prints a JSON summary for the spec to assert on.

  check_exports.py csv FILE                  pandas.read_csv(FILE) with no options: row count, columns, dtypes
  check_exports.py openlineage FILE SCHEMA   every line rebuilt as openlineage-python RunEvent models (the
                                             standard facets through their own classes), serialised back by the
                                             client's Serde and compared; custom facets checked against SCHEMA
"""
import json
import sys
from urllib.parse import urlparse


def read_csv(path):
    import pandas

    frame = pandas.read_csv(path)
    return {"rows": len(frame), "columns": list(frame.columns), "dtypes": {c: str(t) for c, t in frame.dtypes.items()}}


def standard_facet(cls, facet, **fields):
    built = cls(**fields, producer=facet["_producer"])
    assert built._schemaURL == facet["_schemaURL"], f"{cls.__name__}: schema {facet['_schemaURL']} != {built._schemaURL}"
    return built


def check_custom(facets, validators):
    for key, facet in facets.items():
        if not key.startswith("nasLedger_"):
            continue
        url = urlparse(facet["_schemaURL"])
        assert url.scheme == "https" and url.fragment.startswith("/$defs/"), f"{key}: bad _schemaURL {facet['_schemaURL']}"
        assert urlparse(facet["_producer"]).scheme == "https", f"{key}: bad _producer"
        validators(url.fragment.split("/")[-1]).validate(facet)


def build_event(event, validators):
    from openlineage.client import event_v2 as ol
    from openlineage.client.generated import dataset_version_dataset, error_message_run, job_type_job, parent_run

    def datasets(items, cls):
        out = []
        for item in items:
            check_custom(item["facets"], validators)
            facets = {}
            if "datasetVersion" in item["facets"]:
                f = item["facets"]["datasetVersion"]
                facets["datasetVersion"] = standard_facet(dataset_version_dataset.DatasetVersionDatasetFacet, f, datasetVersion=f["datasetVersion"])
            out.append(cls(namespace=item["namespace"], name=item["name"], facets=facets))
        return out

    run_facets = {}
    check_custom(event["run"]["facets"], validators)
    if "parent" in event["run"]["facets"]:
        f = event["run"]["facets"]["parent"]
        run_facets["parent"] = standard_facet(parent_run.ParentRunFacet, f, run=parent_run.Run(runId=f["run"]["runId"]),
                                              job=parent_run.Job(namespace=f["job"]["namespace"], name=f["job"]["name"]))
    if "errorMessage" in event["run"]["facets"]:
        f = event["run"]["facets"]["errorMessage"]
        run_facets["errorMessage"] = standard_facet(error_message_run.ErrorMessageRunFacet, f, message=f["message"],
                                                    programmingLanguage=f["programmingLanguage"])
    jt = event["job"]["facets"]["jobType"]
    job_facets = {"jobType": standard_facet(job_type_job.JobTypeJobFacet, jt, processingType=jt["processingType"],
                                            integration=jt["integration"], jobType=jt["jobType"])}
    built = ol.RunEvent(
        eventType=ol.RunState(event["eventType"]), eventTime=event["eventTime"], producer=event["producer"],
        run=ol.Run(runId=event["run"]["runId"], facets=run_facets),
        job=ol.Job(namespace=event["job"]["namespace"], name=event["job"]["name"], facets=job_facets),
        inputs=datasets(event["inputs"], ol.InputDataset), outputs=datasets(event["outputs"], ol.OutputDataset),
    )
    assert built.schemaURL == event["schemaURL"], f"schemaURL {event['schemaURL']} != {built.schemaURL}"
    return built


def without_custom(value):
    if isinstance(value, dict):
        kept = {k: without_custom(v) for k, v in value.items() if not k.startswith("nasLedger_")}
        return {k: v for k, v in kept.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [without_custom(v) for v in value]
    return value


def check_openlineage(path, schema_path):
    import jsonschema
    from openlineage.client.serde import Serde

    with open(schema_path) as f:
        schema = json.load(f)

    def validators(name):
        return jsonschema.Draft202012Validator({**schema, "$ref": f"#/$defs/{name}"})

    counts = {}
    runs = set()
    with open(path) as f:
        lines = [line for line in f if line.strip()]
    for line in lines:
        event = json.loads(line)
        built = build_event(event, validators)
        # The client's serialisation of the models must give back the line (custom facets aside, checked above).
        assert without_custom(json.loads(Serde.to_json(built))) == without_custom(event), f"round trip differs for {line[:200]}"
        counts[event["eventType"]] = counts.get(event["eventType"], 0) + 1
        runs.add(event["run"]["runId"])
    return {"events": len(lines), "eventTypes": counts, "runs": len(runs)}


if __name__ == "__main__":
    mode = sys.argv[1]
    result = read_csv(sys.argv[2]) if mode == "csv" else check_openlineage(sys.argv[2], sys.argv[3])
    print(json.dumps(result))
