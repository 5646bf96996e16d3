/**
 * Name parts for synthetic patients: common Japanese family and given names with their readings. Combined at random
 * they name no one in particular; the patient numbers, birth dates and clinical values beside them are invented.
 */
export interface NamePart {
  kanji: string;
  kana: string;
  romaji: string;
}

const part = (kanji: string, kana: string, romaji: string): NamePart => ({ kanji, kana, romaji });

export const familyNames: readonly NamePart[] = [
  part("佐藤", "サトウ", "SATO"),
  part("鈴木", "スズキ", "SUZUKI"),
  part("高橋", "タカハシ", "TAKAHASHI"),
  part("田中", "タナカ", "TANAKA"),
  part("伊藤", "イトウ", "ITO"),
  part("渡辺", "ワタナベ", "WATANABE"),
  part("山本", "ヤマモト", "YAMAMOTO"),
  part("中村", "ナカムラ", "NAKAMURA"),
  part("小林", "コバヤシ", "KOBAYASHI"),
  part("加藤", "カトウ", "KATO"),
  part("吉田", "ヨシダ", "YOSHIDA"),
  part("山田", "ヤマダ", "YAMADA"),
  part("佐々木", "ササキ", "SASAKI"),
  part("山口", "ヤマグチ", "YAMAGUCHI"),
  part("松本", "マツモト", "MATSUMOTO"),
  part("井上", "イノウエ", "INOUE"),
  part("木村", "キムラ", "KIMURA"),
  part("林", "ハヤシ", "HAYASHI"),
  part("清水", "シミズ", "SHIMIZU"),
  part("山崎", "ヤマザキ", "YAMAZAKI"),
  part("森", "モリ", "MORI"),
  part("池田", "イケダ", "IKEDA"),
  part("橋本", "ハシモト", "HASHIMOTO"),
  part("阿部", "アベ", "ABE"),
  part("石川", "イシカワ", "ISHIKAWA"),
  part("山下", "ヤマシタ", "YAMASHITA"),
  part("中島", "ナカジマ", "NAKAJIMA"),
  part("石井", "イシイ", "ISHII"),
  part("小川", "オガワ", "OGAWA"),
  part("前田", "マエダ", "MAEDA"),
  part("岡田", "オカダ", "OKADA"),
  part("長谷川", "ハセガワ", "HASEGAWA"),
  part("藤田", "フジタ", "FUJITA"),
  part("後藤", "ゴトウ", "GOTO"),
  part("近藤", "コンドウ", "KONDO"),
  part("村上", "ムラカミ", "MURAKAMI"),
  part("遠藤", "エンドウ", "ENDO"),
  part("青木", "アオキ", "AOKI"),
  part("坂本", "サカモト", "SAKAMOTO"),
  part("斉藤", "サイトウ", "SAITO"),
];

export const femaleGivenNames: readonly NamePart[] = [
  part("陽葵", "ヒマリ", "HIMARI"),
  part("結菜", "ユイナ", "YUINA"),
  part("花子", "ハナコ", "HANAKO"),
  part("美咲", "ミサキ", "MISAKI"),
  part("さくら", "サクラ", "SAKURA"),
  part("恵子", "ケイコ", "KEIKO"),
  part("由美", "ユミ", "YUMI"),
  part("直美", "ナオミ", "NAOMI"),
  part("智子", "トモコ", "TOMOKO"),
  part("久美子", "クミコ", "KUMIKO"),
  part("陽子", "ヨウコ", "YOKO"),
  part("明美", "アケミ", "AKEMI"),
  part("真由美", "マユミ", "MAYUMI"),
  part("愛", "アイ", "AI"),
  part("葵", "アオイ", "AOI"),
  part("凛", "リン", "RIN"),
  part("芽依", "メイ", "MEI"),
  part("和子", "カズコ", "KAZUKO"),
  part("幸子", "サチコ", "SACHIKO"),
  part("節子", "セツコ", "SETSUKO"),
];

export const maleGivenNames: readonly NamePart[] = [
  part("蓮", "レン", "REN"),
  part("湊", "ミナト", "MINATO"),
  part("大翔", "ヒロト", "HIROTO"),
  part("太郎", "タロウ", "TARO"),
  part("健一", "ケンイチ", "KENICHI"),
  part("誠", "マコト", "MAKOTO"),
  part("浩", "ヒロシ", "HIROSHI"),
  part("隆", "タカシ", "TAKASHI"),
  part("修", "オサム", "OSAMU"),
  part("大輔", "ダイスケ", "DAISUKE"),
  part("翔太", "ショウタ", "SHOTA"),
  part("拓也", "タクヤ", "TAKUYA"),
  part("健太", "ケンタ", "KENTA"),
  part("直樹", "ナオキ", "NAOKI"),
  part("和也", "カズヤ", "KAZUYA"),
  part("悠真", "ユウマ", "YUMA"),
  part("陽翔", "ハルト", "HARUTO"),
  part("清", "キヨシ", "KIYOSHI"),
  part("茂", "シゲル", "SHIGERU"),
  part("博", "ヒロシ", "HIROSHI"),
];
