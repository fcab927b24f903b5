from .factories import asb_request, partner, approved_request, deliver, ward_csv, download


async def test_probe(client, registry, issuer):
    a = partner(client, registry, issuer, "local_policing_body", scopes=("gateway:request", "gateway:respond", "gateway:audit"))
    b = partner(client, registry, issuer, "local_authority", scopes=("gateway:request", "gateway:respond", "gateway:audit"))
    d = await a.created("/v1/requests", asb_request(b))
    print("holder sees draft", (await b.get(f"/v1/requests/{d['id']}")).status_code)
    ent = (await b.get("/v1/audit/entries", params={"request_id": d["id"]})).json()
    print("holder audit entries of draft", len(ent["items"]))
    print("withdraw", (await a.move(d["id"], "withdrawn")).status_code)
    print("holder sees withdrawn draft", (await b.get(f"/v1/requests/{d['id']}")).status_code)
    listed = (await b.get("/v1/requests", params={"role": "holder"})).json()["items"]
    print("in holder list", any(i["id"] == d["id"] for i in listed))
    ra = partner(client, registry, issuer, "local_policing_body", scopes=("gateway:respond",))
    r = await ra.post("/v1/requests", json=asb_request(b, submit=True))
    print("respond-only create+submit", r.status_code, r.json().get("status"))
    req = await approved_request(a, b)
    print("deliver", (await deliver(b, req["id"], ward_csv("X"))).status_code)
    from .factories import Api
    a_resp = Api(client, issuer.token(["gateway:respond"], org=a.org["id"], client_id="x-resp"), a.org, "x-resp")
    print("respond-only requester-org download", (await download(a_resp, req["id"], "crime_and_disorder_reduction")).status_code)
