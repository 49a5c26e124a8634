package deid

// Word lists of the person-name tagger (namemodel.go). They are features
// the tagger weighs, not rules: a cue before or after a run of characters
// makes a name more likely there by as much as the training data says.

// givenNameChars are characters common in Chinese given names, most
// frequent first (compiled by hand from published given-name frequency
// tables; the rank is only bucketed, in thirds of 60, 160 and the rest).
const givenNameChars = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰辉玲华飞鑫波斌宇浩凯健俊帆帅旭宁欣怡梓涵子轩思雨佳琪晨博文昊然天佑嘉慧颖" +
	"建国志红梅林云春海燕玉荣晓东亮峰婷雪琳倩晶金珍莉萍小海新利清彬宏鹏龙德生成福永振瑞庆元忠胜坤兵锋晖锦翔松哲楠璐露瑶薇蕾蓉妍茜悦婉娴雯" +
	"鹤毅彤晗汉良劲夫若素翰舒逸航骏睿泽熙铭瀚昕诗媛蓓琦瑜璇晴菲巧颜卿莹洁冰凌岚馨淑惠贤慈芝翠凤碧娥妹爱兴发富贵宝祥达安仁义礼智信忠孝" +
	"家庭立学武光耀辰星阳乐康泰盛昌隆振炜烨炎森楷榕柏桐杨柳枫栋梁材彪虎豹鹰凡尘远航志诚毅恒坚卓越鸿飞腾跃翼翔瀚洪涵泓沛淇潇湘澜漪"

// nameLeftCues often stand right before a person's name: roles and labels,
// kinship and address words, verbs that take a person.
var nameLeftCues = []string{
	"经纪人", "经理人", "联系人", "负责人", "主持人", "对接人", "联络人", "主理人", "姓名", "名叫", "我叫", "叫做",
	"记者", "编辑", "导演", "主演", "演员", "歌手", "作者", "通讯员", "摄影", "同学", "老师", "教练", "队长",
	"总裁", "董事长", "总经理", "经理", "主任", "校长", "院长", "书记", "市长", "省长", "主席", "总统", "部长",
	"教授", "博士", "医生", "律师", "妈妈", "爸爸", "老婆", "老公", "女友", "男友", "朋友", "闺蜜", "姐姐",
	"哥哥", "弟弟", "妹妹", "儿子", "女儿", "老板", "网友", "粉丝", "嘉宾", "选手", "艺人", "明星", "偶像",
	"感谢", "谢谢", "采访", "转发", "回复", "恭喜", "祝贺", "支持", "喜欢", "认识", "遇见", "通知", "联系",
	"客户", "患者", "乘客", "业主", "学生", "员工", "车主", "家长", "本人", "法人", "司机",
}

// nameRightCues often follow a person's name: titles, verbs of saying,
// possessives of contact data.
var nameRightCues = []string{
	"先生", "女士", "小姐", "同志", "老师", "经理", "师傅", "医生", "律师", "教授", "主任", "总监", "同学",
	"博士", "院士", "书记", "局长", "市长", "主席", "总裁", "董事长", "导演", "教练", "队长", "老板",
	"说", "表示", "称", "认为", "指出", "介绍", "透露", "告诉", "回应", "坦言", "强调", "透露", "笑称", "感慨",
	"的手机", "的电话", "的号码", "的联系方式", "的微信", "的邮箱", "的微博", "的歌", "的新歌", "的电影",
	"等人", "一家", "夫妇", "本人", "自己", "同志们",
}
