import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NotADateError, patientQueries } from "../web/pages/clinician/patient-query.js";

const params = (input: string) => patientQueries(input).map((query) => query.params);

describe("the patient search field", () => {
  it("reads kanji and kana as a name", () => {
    assert.deepEqual(params(" 北条 "), [[["name", "北条"]]]);
    assert.deepEqual(params("ホウジョウ　マサコ"), [[["name", "ホウジョウ マサコ"]]]);
  });

  it("reads digits as a patient number, full-width IME digits included", () => {
    assert.deepEqual(params("00077001"), [[["identifier", "00077001"]]]);
    assert.deepEqual(params("０００７７００１"), [[["identifier", "00077001"]]]);
  });

  it("asks for both a number and a romaji name when only Latin letters and digits were typed", () => {
    assert.deepEqual(params("Hojo"), [[["identifier", "Hojo"]], [["name", "Hojo"]]]);
    assert.deepEqual(params("A-123"), [[["identifier", "A-123"]], [["name", "A-123"]]]);
  });

  it("reads Western and Japanese-era birth dates, and refuses dates that do not exist", () => {
    for (const input of ["1984-07-15", "1984/7/15", "１９８４／７／１５", "1984年7月15日", "19840715", "昭和59年7月15日"]) {
      assert.deepEqual(params(input), [[["birthdate", "1984-07-15"]]], input);
    }
    assert.deepEqual(params("令和元年5月1日"), [[["birthdate", "2019-05-01"]]]);
    assert.deepEqual(params("平成31年4月30日"), [[["birthdate", "2019-04-30"]]]);
    // 2023-02-29 does not exist: eight digits that are no date are a patient number.
    assert.deepEqual(params("20230229"), [[["identifier", "20230229"]]]);
    assert.throws(() => patientQueries("2023/02/29"), NotADateError);
    assert.throws(() => patientQueries("昭和59年2月30日"), NotADateError);
  });

  it("asks nothing for an empty field", () => {
    assert.deepEqual(patientQueries("   "), []);
  });
});
